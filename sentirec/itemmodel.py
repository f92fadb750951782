"""What sentirec reads from the item model, whichever model the host swapped in.

``sentirec.Item`` has a creation date; a host's ``Book`` may call it ``published`` or have
none. Pages and feeds ask here instead of assuming a field name or ordering by the
primary key (which, for a UUID, is random).
"""

from __future__ import annotations

from django.db import models

from sentirec.conf import item_model, settings

#: Names taken for the item's creation date when no setting or ``get_latest_by`` says.
DATE_FIELD_NAMES = ("created", "created_at")


def is_date_field(model: type[models.Model], name: object) -> bool:
    """Whether ``name`` is a concrete date or datetime column of ``model``."""
    return any(
        field.name == name and isinstance(field, models.DateField)
        for field in model._meta.concrete_fields
    )


def date_field(model: type[models.Model] | None = None) -> str | None:
    """The field "newest" sorts by: ``SENTIREC["ITEM_DATE_FIELD"]``, else the model's
    ``Meta.get_latest_by``, else a date field named ``created`` or ``created_at``; None
    when the model has none of these (then "newest" means "first reviewed most recently")."""
    model = model or item_model()
    if settings.ITEM_DATE_FIELD is not None:
        return settings.ITEM_DATE_FIELD
    latest_by = model._meta.get_latest_by
    candidates = [latest_by.lstrip("-")] if isinstance(latest_by, str) else []
    for name in [*candidates, *DATE_FIELD_NAMES]:
        if is_date_field(model, name):
            return name
    return None
