"""The URL converter for item ids, whatever type the item model's primary key has.

``<int:pk>`` only fits integer ids; a host's item model may use a UUID, a slug or any
other single-column key. The pattern takes one path segment and the model's own pk field
parses it, so a malformed id is simply no match (a 404), never a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from sentirec.conf import item_model


class ItemPkConverter:
    """``<sentirec_item:pk>``: an id of ``SENTIREC_ITEM_MODEL``, written as its URLs write it."""

    regex = "[^/]+"

    def to_python(self, value: str) -> Any:
        if "\x00" in value:  # PostgreSQL cannot even compare text containing NUL
            raise ValueError("NUL in an item id")
        try:
            pk = item_model()._meta.pk.to_python(value)
        except ValidationError as error:
            raise ValueError(f"{value!r} is not an item id") from error
        if self.to_url(pk) != value:  # one URL per item: "007" or an upper-case UUID is no id
            raise ValueError(f"{value!r} is not written as an item id")
        return pk

    def to_url(self, value: Any) -> str:
        return str(value)
