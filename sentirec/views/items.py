"""Browse and search items; an item's page with its reviews; your own review and stars."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sentirec import itemmodel
from sentirec.forms import ItemSearchForm, RatingForm, ReviewForm
from sentirec.models import Rating, Review
from sentirec.services.catalog import categories, find_items
from sentirec.services.items import visible_items
from sentirec.views.common import paginate, rate_limited, safe_next
from sentirec.views.item_context import form_context, item_reviews, summary_context

REVIEWS_PER_PAGE = 10


def item_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ItemSearchForm(request.GET, categories=categories(user))
    valid = form.is_valid()
    items = find_items(user, **form.cleaned_data) if valid else visible_items(user).none()
    return render(
        request,
        "sentirec/item_list.html",
        {"form": form, "page": paginate(request, items)},
        status=200 if valid else 400,
    )


def _item(request: HttpRequest, pk: Any) -> Model:
    """The item, or a 404 when it does not exist or the user may not see it."""
    items = visible_items(request.user).select_related("sentirec_stats")
    return get_object_or_404(items, pk=pk)


def _item_page(
    request: HttpRequest,
    item: Model,
    review_form: ReviewForm | None = None,
    rating_form: RatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        **summary_context(item),
        **form_context(request, item, review_form, rating_form),
        "page": paginate(request, item_reviews(item), REVIEWS_PER_PAGE),
        "item_text": itemmodel.text(item),
        "own_page": itemmodel.own_page(item),
    }
    return render(request, "sentirec/item_detail.html", context, status=status)


def _back(request: HttpRequest, item: Model, anchor: str = "") -> str:
    """After a POST: the form's ``next`` (a host page embedding the form), else the item's page."""
    return safe_next(request, reverse("sentirec:item-detail", args=[item.pk]) + anchor)


@never_cache  # the viewer's own review and stars
def item_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    return _item_page(request, _item(request, pk))


@login_required
@require_POST
@rate_limited
def review_save(request: HttpRequest, pk: Any) -> HttpResponse:
    """Create or edit the signed-in user's review; there is no way to name another's."""
    item = _item(request, pk)
    own = Review.objects.filter(user=request.user, item=item).first()
    form = ReviewForm(request.POST, instance=own, user=request.user, item=item)
    if not form.is_valid():
        return _item_page(request, item, review_form=form, status=400)
    form.save()
    messages.success(request, "Your review was saved." if own else "Thanks for your review!")
    return redirect(_back(request, item, "#your-review"))


@login_required
@require_POST
@rate_limited
def review_delete(request: HttpRequest, pk: Any) -> HttpResponse:
    item = _item(request, pk)
    get_object_or_404(Review, user=request.user, item=item).delete()
    messages.success(request, "Your review was deleted. Your stars stay until you change them.")
    return redirect(_back(request, item))


@login_required
@require_POST
@rate_limited
def rating_save(request: HttpRequest, pk: Any) -> HttpResponse:
    item = _item(request, pk)
    rating = Rating.objects.filter(user=request.user, item=item).first()
    form = RatingForm(request.POST, instance=rating, user=request.user, item=item)
    if not form.is_valid():
        return _item_page(request, item, rating_form=form, status=400)
    form.save()
    messages.success(request, "Your stars were saved.")
    return redirect(_back(request, item))
