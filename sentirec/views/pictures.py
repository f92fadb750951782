"""A placeholder picture for every item, drawn on request: its initials on a colour picked
from its category, as SVG. Nothing is stored; the browser and any page cache keep it."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.views.decorators.cache import cache_control

from sentirec.conf import item_model

#: Calm colours that keep white initials readable (WCAG AA for large text).
PALETTE = (
    "#0f6e66", "#3b5ba5", "#8a4baf", "#a8322c", "#8a5a00", "#2f6b2f", "#5d6470", "#b0366e",
)  # fmt: skip


def colour_of(category: str) -> str:
    """The same colour for every item of a category, on every process and every site."""
    digest = hashlib.sha1(category.strip().lower().encode(), usedforsecurity=False).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def initials_of(title: str) -> str:
    """Up to two letters or digits: the first of the title's first two words."""
    words = re.findall(r"[^\W_]+", title)
    return "".join(word[0] for word in words[:2]).upper() or "?"


def placeholder_svg(title: str, category: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<rect width="120" height="120" rx="16" fill="{colour_of(category)}"/>'
        '<text x="60" y="60" dy=".35em" text-anchor="middle" fill="#fff" '
        'font-family="system-ui, sans-serif" font-size="46" font-weight="700">'
        f"{escape(initials_of(title))}</text></svg>"
    )


@cache_control(public=True, max_age=86400)
def item_picture(request: HttpRequest, pk: Any) -> HttpResponse:
    item = get_object_or_404(item_model()._default_manager, pk=pk)
    svg = placeholder_svg(str(item), str(getattr(item, "category", "") or ""))
    return HttpResponse(svg, content_type="image/svg+xml")
