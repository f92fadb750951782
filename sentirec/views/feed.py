"""The home page: the signed-in user's personalized feed, or top items for newcomers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from sentirec.feeds.feed import FeedPage, feed, page_number
from sentirec.models import Review


def quoted_reviews(page: FeedPage) -> dict[int, Review]:
    """The reviews the page quotes, by id, so each quote can show its sentiment badge."""
    ids = {c.review_id for entry in page.entries for c in entry.contributors if c.review_id}
    fields = ["id", "sentiment_status", "sentiment_label", "corrected_label"]
    fields += ["sentiment_confidence", "sentiment_model_version"]
    return Review.objects.only(*fields).in_bulk(ids)


@never_cache  # the viewer's own feed
def home(request: HttpRequest) -> HttpResponse:
    page = feed(request.user, page=page_number(request.GET.get("page")))
    return render(request, "sentirec/home.html", {"feed": page, "reviews": quoted_reviews(page)})
