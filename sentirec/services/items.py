"""What sentirec shows of the host's items: which items a user may see, and which of
their fields.

The host decides both in ``SENTIREC``: ``ITEM_VISIBILITY`` names a function
``(user) -> QuerySet`` of the items that user (possibly ``AnonymousUser``) may see, and
``ITEM_FIELDS`` lists the item model's fields the API shows. The defaults are safe for a
host's own model: every item is listed, but nothing of it beyond its id and its title
(``str(item)``). The one rule applies to the pages, the API and the feed alike.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet
from django.utils.module_loading import import_string

from sentirec.conf import item_model, settings
from sentirec.itemmodel import is_default_model

#: ``sentirec.Item``'s own fields: it is sentirec's model, so nothing in it is private.
OWN_ITEM_FIELDS = ("description", "url", "category", "created")


def _rule() -> Callable[..., QuerySet] | None:
    path = settings.ITEM_VISIBILITY
    return import_string(path) if path else None


def visible_items(user) -> QuerySet:
    """The items ``user`` may see: the host's ``ITEM_VISIBILITY`` rule, or every item.

    The rule gets only the user, so one visitor's view is every visitor's: a cached feed
    page for visitors stays right for all of them.
    """
    rule = _rule()
    items = rule(user) if rule else item_model()._default_manager.all()
    if not isinstance(items, QuerySet) or items.model is not item_model():
        raise TypeError(
            f"SENTIREC['ITEM_VISIBILITY'] ({settings.ITEM_VISIBILITY}) must return a "
            f"QuerySet of {item_model()._meta.label}, not {items!r}."
        )
    return items


def only_visible(rows: QuerySet, user, field: str = "item") -> QuerySet:
    """``rows`` (reviews, ratings, item stats, ...) whose ``field`` is an item ``user``
    may see. Without an ``ITEM_VISIBILITY`` rule every item is visible: no extra SQL."""
    if not settings.ITEM_VISIBILITY:
        return rows
    return rows.filter(**{f"{field}__in": visible_items(user).values("pk")})


def item_fields(model: type[Model] | None = None) -> tuple[str, ...]:
    """The item model's fields the API shows besides ``id``, ``title`` and the stats:
    ``ITEM_FIELDS``, or by default all of ``sentirec.Item``'s and none of a host's model."""
    model = model or item_model()
    if settings.ITEM_FIELDS is not None:
        return tuple(settings.ITEM_FIELDS)
    return OWN_ITEM_FIELDS if is_default_model(model) else ()
