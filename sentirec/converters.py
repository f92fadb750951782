"""Ids read from text, whatever type the model's key has, and the URL converter for items.

``<int:pk>`` only fits integer ids; a host's item model may use a UUID, a slug or any
other single-column key. The model's own field parses the text, so a malformed id is
simply no match (a 404), never a 500; and the text must be the id as sentirec writes it,
because Python's ``int()`` also reads "007", " 7" and the full-width "７" as 7.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from sentirec.conf import item_model


def id_from_text(model: type[models.Model], value: str, field: str = "pk") -> Any:
    """``value`` as the ``field`` (default: the primary key) of ``model``; ValueError unless
    it is written exactly as that value is written back (one spelling per id)."""
    if "\x00" in value:  # PostgreSQL cannot even compare text containing NUL
        raise ValueError("NUL in an id")
    model_field = model._meta.pk if field == "pk" else model._meta.get_field(field)
    try:
        parsed = model_field.to_python(value)
    except ValidationError as error:
        raise ValueError(f"{value!r} is not an id") from error
    if str(parsed) != value:  # "007" or an upper-case UUID is no id
        raise ValueError(f"{value!r} is not written as an id")
    return parsed


class ItemPkConverter:
    """``<sentirec_item:pk>``: an id of ``SENTIREC_ITEM_MODEL``, written as its URLs write it."""

    regex = "[^/]+"

    def to_python(self, value: str) -> Any:
        return id_from_text(item_model(), value)

    def to_url(self, value: Any) -> str:
        return str(value)
