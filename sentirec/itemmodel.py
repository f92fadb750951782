"""What sentirec reads from the item model, whichever model the host swapped in.

``sentirec.Item`` has a creation date and a description; a host's ``Book`` may call them
``published`` and ``blurb``, or have neither, and its own page. Pages and feeds ask here
instead of assuming a field name, ordering by the primary key (which, for a UUID, is
random) or showing a host's field the host did not choose to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from sentirec.conf import DEFAULT_ITEM_MODEL, item_model, settings

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


def is_default_model(model: type[models.Model]) -> bool:
    return model._meta.label == DEFAULT_ITEM_MODEL


def text_field(model: type[models.Model] | None = None) -> str | None:
    """The field the item page shows under the title: ``SENTIREC["ITEM_TEXT_FIELD"]``;
    unset, ``sentirec.Item``'s description and nothing of a host's model (its fields are
    the host's to publish)."""
    model = model or item_model()
    if settings.ITEM_TEXT_FIELD is not None:
        return settings.ITEM_TEXT_FIELD
    return "description" if is_default_model(model) else None


def text(item: models.Model) -> str:
    name = text_field(type(item))
    value = getattr(item, name, "") if name else ""
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    external: bool


def own_page(item: models.Model) -> Link | None:
    """Where the item lives outside sentirec's pages: a host model's own page (its
    ``get_absolute_url``), or the outside address in ``sentirec.Item.url``."""
    if is_default_model(type(item)):
        return Link(item.url, item.url, external=True) if item.url else None
    get_url = getattr(item, "get_absolute_url", None)
    return Link(get_url(), "View on site", external=False) if get_url else None
