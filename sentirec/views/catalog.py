"""Finding items: the one search and ordering shared by the browse page and the API.

The item model is swappable, so nothing here names ``sentirec.Item``'s fields: search
runs over the model's own text fields and ordering over the stats every item has.
"""

from __future__ import annotations

from functools import cache

from django.db import models
from django.db.models import F, Q, QuerySet

from sentirec.conf import item_model

#: Text fields that identify where an item came from rather than describe it.
NOT_SEARCHED = {"source", "external_id"}

ORDERINGS: dict[str, tuple] = {
    "top": (F("sentirec_stats__weighted_score").desc(nulls_last=True), "-pk"),
    "reviews": (F("sentirec_stats__review_count").desc(nulls_last=True), "-pk"),
    "new": ("-pk",),
}
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
    return items.order_by(*ORDERINGS[order])


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
