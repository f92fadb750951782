"""Browse and search items; an item's page with its reviews; your own review and stars."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sentirec.conf import item_model
from sentirec.forms import ItemSearchForm, RatingForm, ReviewForm
from sentirec.models import ItemStats, Rating, Review
from sentirec.views.catalog import categories, find_items
from sentirec.views.common import paginate

REVIEWS_PER_PAGE = 10


def item_list(request: HttpRequest) -> HttpResponse:
    form = ItemSearchForm(request.GET, categories=categories())
    valid = form.is_valid()
    items = find_items(**form.cleaned_data) if valid else item_model()._default_manager.none()
    return render(
        request,
        "sentirec/item_list.html",
        {"form": form, "page": paginate(request, items)},
        status=200 if valid else 400,
    )


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


def _item(pk: Any) -> Model:
    return get_object_or_404(item_model()._default_manager.select_related("sentirec_stats"), pk=pk)


def _item_page(
    request: HttpRequest,
    item: Model,
    review_form: ReviewForm | None = None,
    rating_form: RatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    reviews = Review.objects.filter(item=item).select_related("user").order_by("-created", "-pk")
    stats = getattr(item, "sentirec_stats", None)
    context = {
        "item": item,
        "stats": stats,
        "mix": sentiment_mix(stats),
        "page": paginate(request, reviews, REVIEWS_PER_PAGE),
    }
    if request.user.is_authenticated:
        own = reviews.filter(user=request.user).first()
        rating = Rating.objects.filter(user=request.user, item=item).first()
        context |= {
            "own_review": own,
            "review_form": review_form or ReviewForm(instance=own, user=request.user, item=item),
            "rating_form": rating_form or RatingForm(instance=rating, user=request.user, item=item),
        }
    return render(request, "sentirec/item_detail.html", context, status=status)


@never_cache  # the viewer's own review and stars
def item_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    return _item_page(request, _item(pk))


@login_required
@require_POST
def review_save(request: HttpRequest, pk: Any) -> HttpResponse:
    """Create or edit the signed-in user's review; there is no way to name another's."""
    item = _item(pk)
    own = Review.objects.filter(user=request.user, item=item).first()
    form = ReviewForm(request.POST, instance=own, user=request.user, item=item)
    if not form.is_valid():
        return _item_page(request, item, review_form=form, status=400)
    form.save()
    messages.success(request, "Your review was saved." if own else "Thanks for your review!")
    return redirect(reverse("sentirec:item-detail", args=[item.pk]) + "#your-review")


@login_required
@require_POST
def review_delete(request: HttpRequest, pk: Any) -> HttpResponse:
    item = _item(pk)
    get_object_or_404(Review, user=request.user, item=item).delete()
    messages.success(request, "Your review was deleted. Your stars stay until you change them.")
    return redirect("sentirec:item-detail", pk=item.pk)


@login_required
@require_POST
def rating_save(request: HttpRequest, pk: Any) -> HttpResponse:
    item = _item(pk)
    rating = Rating.objects.filter(user=request.user, item=item).first()
    form = RatingForm(request.POST, instance=rating, user=request.user, item=item)
    if not form.is_valid():
        return _item_page(request, item, rating_form=form, status=400)
    form.save()
    messages.success(request, "Your stars were saved.")
    return redirect("sentirec:item-detail", pk=item.pk)
