"""What an item's page shows, in three parts a host can also embed in its own item page
(``{% load sentirec_embed %}``): the rating summary, the reviews, the visitor's forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from sentirec.forms import RatingForm, ReviewForm
from sentirec.models import ItemStats, Rating, Review


@dataclass(frozen=True)
class MixPart:
    key: str
    name: str
    count: int
    percent: float


def sentiment_mix(stats: ItemStats | None) -> list[MixPart]:
    """The item's reviews split by what the model read in them, for the bar and legend."""
    if stats is None or not stats.review_count:
        return []
    neutral = stats.scored_count - stats.positive_count - stats.negative_count
    counts = [
        ("positive", "positive", stats.positive_count),
        ("neutral", "neutral", neutral),
        ("negative", "negative", stats.negative_count),
        ("pending", "not read yet", stats.review_count - stats.scored_count),
    ]
    return [
        MixPart(key, name, count, 100 * count / stats.review_count) for key, name, count in counts
    ]


def item_stats(item: Model) -> ItemStats | None:
    """The item's stats row; None until its first rating or review (no row yet)."""
    return getattr(item, "sentirec_stats", None)


def summary_context(item: Model) -> dict[str, Any]:
    stats = item_stats(item)
    return {"item": item, "stats": stats, "mix": sentiment_mix(stats)}


def item_reviews(item: Model) -> QuerySet:
    return Review.objects.filter(item=item).select_related("user").order_by("-created", "-pk")


def form_context(
    request: HttpRequest,
    item: Model,
    review_form: ReviewForm | None = None,
    rating_form: RatingForm | None = None,
) -> dict[str, Any]:
    """The signed-in visitor's own review and stars for ``item``, as forms; nothing for a
    visitor (the template offers to log in)."""
    context: dict[str, Any] = {"item": item}
    user = request.user
    if user.is_authenticated:
        own = Review.objects.filter(user=user, item=item).first()
        rating = Rating.objects.filter(user=user, item=item).first()
        context |= {
            "own_review": own,
            "review_form": review_form or ReviewForm(instance=own, user=user, item=item),
            "rating_form": rating_form or RatingForm(instance=rating, user=user, item=item),
        }
    return context
