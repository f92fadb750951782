"""Small helpers the page views share."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from sentirec.throttling import WriteLimit

PAGE_SIZE = 20


def paginate(request: HttpRequest, rows: QuerySet | list, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest
    (a number in other than ASCII digits, such as a full-width "２", is malformed: page 1)."""
    raw = request.GET.get("page")
    return Paginator(rows, per_page).get_page(raw if raw and raw.isascii() else None)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a POST: the form's ``next`` when it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else fallback


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page form's POST counts against ``WRITE_RATE`` with the API's writes (one policy,
    whichever door); over it the answer is a 429 page saying when to try again."""

    @functools.wraps(view)
    def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limit = WriteLimit()
        if request.method == "POST" and not limit.allow_request(request, None):
            seconds = max(1, math.ceil(limit.wait() or 1))
            response = render(request, "sentirec/throttled.html", {"seconds": seconds}, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return view(request, *args, **kwargs)

    return limited
