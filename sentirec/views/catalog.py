"""Finding items: the one search and ordering shared by the browse page and the API.

The item model is swappable, so nothing here names ``sentirec.Item``'s fields: search
runs over the model's own text fields, ordering over the stats every item has and the
model's date field.
"""

from __future__ import annotations

from functools import cache

from django.db import models
from django.db.models import F, Min, Q, QuerySet

from sentirec.conf import item_model
from sentirec.itemmodel import date_field

#: Text fields that identify where an item came from rather than describe it.
NOT_SEARCHED = {"source", "external_id"}

#: The annotation "new" sorts by when the item model has no date field.
FIRST_REVIEW = "sentirec_first_review"

ORDERING_LABELS = {"top": "Best rated", "reviews": "Most reviewed", "new": "Newest"}


@cache
def search_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.URLField)
        and field.name not in NOT_SEARCHED
    )


def has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def find_items(q: str = "", category: str = "", order: str = "top") -> QuerySet:
    """Items matching ``q`` (in any text field, any case) in ``category``, best first."""
    model = item_model()
    items = model._default_manager.select_related("sentirec_stats")
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


def categories() -> list[str]:
    model = item_model()
    if not has_field(model, "category"):
        return []
    return list(
        model._default_manager.exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
