"""Finding items: the one search and ordering shared by the browse page and the API.

The item model is swappable, so nothing here names ``sentirec.Item``'s fields: search
runs over the model's own text fields, ordering over the stats every item has and the
model's date field.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Min, Q, QuerySet

from sentirec.conf import item_model
from sentirec.itemmodel import date_field, text_field
from sentirec.services.items import item_fields, visible_items

#: Text fields that identify where an item came from rather than describe it.
NOT_SEARCHED = {"source", "external_id"}

#: The annotation "new" sorts by when the item model has no date field.
FIRST_REVIEW = "sentirec_first_review"

ORDERING_LABELS = {"top": "Best rated", "reviews": "Most reviewed", "new": "Newest"}


#: Fields searched besides ``ITEM_FIELDS``: the ones ``str(item)`` most likely shows.
TITLE_FIELDS = ("title", "name")


def search_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The text fields a search reads: only what the item's title, its page and the API
    show, so a search can never reveal what a host's private field contains."""
    shown = {*item_fields(model), *TITLE_FIELDS, text_field(model)}
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.URLField)
        and field.name not in NOT_SEARCHED
        and field.name in shown
    )


def has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def find_items(user, q: str = "", category: str = "", order: str = "top") -> QuerySet:
    """The items ``user`` may see that match ``q`` (in the searched text fields, any case)
    in ``category``, best first."""
    model = item_model()
    items = visible_items(user).select_related("sentirec_stats")
    if q:
        match = Q()
        for name in search_fields(model):
            match |= Q(**{f"{name}__icontains": q})
        items = items.filter(match) if match else items.none()
    if category and has_field(model, "category"):
        items = items.filter(category=category)
    return sort_items(items, order)


def sort_items(items: QuerySet, order: str) -> QuerySet:
    """``items`` in ``order``; the pk only breaks ties (a UUID's order is random).

    "new" sorts by the item's date field (:func:`sentirec.itemmodel.date_field`), or,
    for a model without one, by when the item got its first review.
    """
    if order == "top":
        return items.order_by(F("sentirec_stats__weighted_score").desc(nulls_last=True), "-pk")
    if order == "reviews":
        return items.order_by(F("sentirec_stats__review_count").desc(nulls_last=True), "-pk")
    name = date_field(items.model)
    if name is None:
        items = items.annotate(**{FIRST_REVIEW: Min("sentirec_reviews__created")})
    return items.order_by(F(name or FIRST_REVIEW).desc(nulls_last=True), "-pk")


def categories(user) -> list[str]:
    """The categories of the items ``user`` may see."""
    model = item_model()
    if not has_field(model, "category"):
        return []
    return list(
        visible_items(user)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
