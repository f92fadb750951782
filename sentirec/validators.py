"""Validation shared by the model, forms, serializers and admin, so each says the same thing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from sentirec.conf import settings

#: Every value a star rating may take: 0.5 to 5 in half steps.
STAR_VALUES = tuple(Decimal(n) / 2 for n in range(1, 11))


def validate_stars(value: object) -> None:
    """Stars run from 0.5 to 5 in half steps."""
    try:
        stars = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError("Stars must be a number.", code="invalid") from None
    if not stars.is_finite() or stars not in STAR_VALUES:
        raise ValidationError(
            "Stars must be between 0.5 and 5 in steps of 0.5 (got %(value)s).",
            code="stars_range",
            params={"value": value},
        )


def _check_no_nul(text: str, what: str) -> None:
    if "\x00" in text:
        raise ValidationError(
            "%(what)s contains a NUL character (\\x00), which cannot be stored. Remove it.",
            code="nul",
            params={"what": what},
        )


@deconstructible
class ReviewTextValidator:
    """Non-blank, no NUL, at most ``SENTIREC["MAX_REVIEW_CHARS"]`` characters.

    The limit is read when validating, not when migrating, so changing the setting
    needs no migration.
    """

    def __call__(self, value: str) -> None:
        _check_no_nul(value, "The review text")
        if not value.strip():
            raise ValidationError("The review text cannot be empty.", code="blank")
        limit = settings.MAX_REVIEW_CHARS
        if len(value) > limit:
            raise ValidationError(
                "The review text is %(length)d characters long; the limit is %(limit)d.",
                code="max_length",
                params={"length": len(value), "limit": limit},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReviewTextValidator)


def validate_no_nul(value: str) -> None:
    """Reject NUL characters, which PostgreSQL refuses to store in text columns."""
    _check_no_nul(value, "This field")
