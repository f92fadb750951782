"""Template helpers for sentirec pages: highlighted review text, stars, form fields.

Review text is user input. Every helper here escapes it before adding its own markup,
so a review containing ``<script>`` is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.conf import settings as django_settings
from django.forms import BoundField
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sentirec.conf import settings
from sentirec.services.people import display_name

register = template.Library()


def _word_pattern(words: Iterable[str]) -> re.Pattern | None:
    wanted = sorted({w.strip() for w in words if isinstance(w, str) and w.strip()}, key=len)
    if not wanted:
        return None
    alternatives = "|".join(re.escape(word) for word in reversed(wanted))  # longest first
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@register.filter
def highlight(text: object, words: Iterable[str] | None) -> SafeString:
    """``text`` escaped, with each of ``words`` (whole words, any case) in ``<mark>``."""
    text = "" if text is None else str(text)
    pattern = _word_pattern(words or ())
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[last : match.start()]), format_html("<mark>{}</mark>", match[0])]
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # every part above is escaped


@register.filter
def words_of(contributors: Iterable) -> list[str]:
    """Every contributor's highlighted words, to mark them in the entry's explanation."""
    return [word for contributor in contributors for word in contributor.highlights]


@register.filter
def get(mapping: dict, key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def in_set(value: object, members: set) -> bool:
    return value in members


@register.filter
def spaced(name: object) -> str:
    """A dataset's ``kitchen_&_housewares`` as ``kitchen & housewares``."""
    return str(name).replace("_", " ")


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(float(value) * 100)}%"


#: Why an entry is in the feed, as its section label says it.
REASON_LABELS = {
    "social": "From people you follow",
    "model": "Popular with people like you",
    "quality": "Top rated",
    "freshness": "New and talked about",
}


@register.filter
def reason_label(reason: str) -> str:
    return REASON_LABELS.get(reason, str(reason).capitalize())


@register.filter
def name_of(user) -> str:
    """A person's display name (``services.people.display_name``)."""
    return display_name(user)


@register.filter
def quiet_groups(quiet: Iterable) -> list[dict]:
    """Followees with nothing new, grouped by why (``FeedPage.quiet``), for one line each."""
    groups: dict[str, list] = {}
    for person in quiet:
        groups.setdefault(person.why, []).append(person)
    return [{"why": why, "people": people} for why, people in groups.items()]


@register.filter
def initials(name: object) -> str:
    """Up to two initials for an avatar: "Ada Lovelace" -> "AL", "zed" -> "Z"."""
    letters = [word[0] for word in str(name).replace("-", " ").replace("_", " ").split() if word]
    return "".join(letters[:2]).upper() or "?"


@register.inclusion_tag("sentirec/includes/diverging.html")
def diverging(value: float | None) -> dict:
    """A bar centred on 0 for a value in [-1, 1]: positive fills right, negative fills left
    in the negative colour, 0 draws nothing. Values outside [-1, 1] are drawn at the end."""
    number = float(value or 0.0)
    width = round(min(abs(number), 1.0) * 50, 1)
    side = "positive" if number > 0 else "negative" if number < 0 else ""
    return {"value": number, "width": width, "side": side}


@register.simple_tag
def share(part: int | None, whole: int | None) -> float:
    """``part`` as a percentage of ``whole`` (0 when there is no whole), for bar widths."""
    return round(100 * (part or 0) / whole, 1) if whole else 0.0


@register.inclusion_tag("sentirec/includes/stars.html")
def stars(value: Decimal | float | str | None) -> dict:
    """Five stars, filled to the nearest half, with the number for screen readers.

    Nothing for no value (an item nobody rated has no stats row: the template gives "").
    """
    if not value:
        return {"value": None}
    halves = round(float(value) * 2)
    return {
        "value": float(value),
        "full": range(halves // 2),
        "half": halves % 2,
        "empty": range(5 - halves // 2 - halves % 2),
    }


@register.simple_tag
def field(bound: BoundField, **attrs: str) -> SafeString:
    """A form field with its label, help and errors, tied together for assistive tech.

    The errors sit right under the label, and the input's ``aria-describedby`` names
    both the help text and the errors so a screen reader reads them with the field.
    """
    ids = []
    if bound.help_text:
        ids.append(f"{bound.auto_id}_help")
    if bound.errors:
        ids.append(f"{bound.auto_id}_errors")
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    return render_to_string(
        "sentirec/includes/field.html",
        {
            "field": bound,
            "label": bound.label_tag(label_suffix=""),
            "widget": bound.as_widget(attrs=attrs),
        },
    )


@register.simple_tag(takes_context=True)
def page_url(context: dict, number: int) -> str:
    """The current URL's query string with ``page`` set to ``number``."""
    query = context["request"].GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def nav_current(context: dict, name: str) -> str:
    """`` aria-current="page"`` on sentirec's own page ``name``: a host page that happens to
    be called ``home`` or ``about`` is not one of sentirec's."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is not None and match.app_name == "sentirec" and match.url_name == name:
        return mark_safe(' aria-current="page"')
    return ""


@register.simple_tag
def login_url() -> str:
    """The host's login page, ``settings.LOGIN_URL`` (a path or URL name), as Django's own
    ``login_required`` finds it: sentirec assumes no ``login`` URL name."""
    return resolve_url(django_settings.LOGIN_URL)


@register.simple_tag
def logout_url() -> str:
    """``SENTIREC["LOGOUT_URL"]`` (a path or URL name), else the ``logout`` URL name when
    the host has one; "" when there is neither (the pages then show no "Log out")."""
    try:
        return resolve_url(settings.LOGOUT_URL or "logout")
    except NoReverseMatch:
        return ""
