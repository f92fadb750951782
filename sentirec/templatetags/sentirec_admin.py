"""Numbers as a person reads them in the admin: two decimals, and "<0.01" rather than
``9.365224483978398e-182``."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def rounded(value: object, digits: int = 2) -> str:
    """A float to ``digits`` decimals; a nonzero one too small for them shows as "<0.01"
    (or "-<0.01"); anything else unchanged, ``None`` as "—"."""
    if value is None:
        return "—"
    if not isinstance(value, float):
        return str(value)
    smallest = 10.0**-digits
    if value != 0 and abs(value) < smallest / 2:
        return f"{'-' if value < 0 else ''}<{smallest:.{digits}f}"
    return f"{value:.{digits}f}"
