"""Small helpers the page views share."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

PAGE_SIZE = 20


def paginate(request: HttpRequest, rows: QuerySet | list, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a POST: the form's ``next`` when it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else fallback
