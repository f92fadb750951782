"""The home page: the signed-in user's personalized feed, or top items for newcomers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from sentirec.feeds.feed import FeedPage, feed
from sentirec.models import Review

#: The last page served (later ones show it): nobody scrolls that far, and it bounds work.
MAX_PAGE = 100


def page_number(raw: str | None) -> int:
    """The ``page`` query value as 1..MAX_PAGE; anything else is page 1."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= 3:
        return min(max(int(raw), 1), MAX_PAGE)
    return 1


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
