"""Personal and polling answers are never kept by a host's site-wide page cache
(``UpdateCacheMiddleware`` ... ``FetchFromCacheMiddleware``) or a proxy: polling must
see a review's sentiment arrive, and one user's feed must never be served to another."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sentirec.models import Follow, Review, SentimentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache(settings):
    """The host caches every page for ten minutes, as the bookstore in issue 11 did."""
    settings.MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    settings.CACHE_MIDDLEWARE_SECONDS = 600


def never_cached(response) -> bool:
    control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= control


def score(review: Review) -> None:
    Review.objects.filter(pk=review.pk).update(
        sentiment_status=SentimentStatus.SCORED, sentiment_label="positive", sentiment_score=0.9
    )


def test_polling_a_review_sees_its_sentiment_arrive(user, item, write_review):
    review = write_review(user, item, "Great.", label=None)
    api, page = APIClient(), Client()
    first = api.get(f"/api/reviews/{review.pk}/")
    polled = page.get("/reviews/status/", {"ids": review.pk})
    assert first.json()["sentiment"]["status"] == polled.json()["reviews"][0]["status"] == "pending"
    assert never_cached(first) and never_cached(polled)
    score(review)
    assert api.get(f"/api/reviews/{review.pk}/").json()["sentiment"]["status"] == "scored"
    assert page.get("/reviews/status/", {"ids": review.pk}).json()["reviews"][0]["status"] == (
        "scored"
    )


def test_a_feed_is_never_served_to_someone_else(user, other_user, make_user, item, write_review):
    write_review(make_user("carol"), item, "Great.", stars=5)
    Follow.objects.create(follower=user, followee=make_user("dave"))
    Follow.objects.create(follower=other_user, followee=item.sentirec_reviews.get().user)
    alice, bob = Token.objects.create(user=user), Token.objects.create(user=other_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {alice.key}")
    first = api.get("/api/feed/")
    assert never_cached(first) and first.json()["cold_start"] is True
    api.credentials(HTTP_AUTHORIZATION=f"Token {bob.key}")
    assert api.get("/api/feed/").json()["cold_start"] is False  # bob's own, not alice's


@pytest.mark.parametrize(
    "url",
    [
        "/api/feed/",
        "/api/items/",
        "/api/reviews/",
        "/api/follows/",
        "/api/sentiment/predict/",  # a 405 for GET, never kept either
        "/api/sentiment/jobs/no-such-job/",
        "/",
        "/items/{item}/",
        "/people/alice/",
    ],
)
def test_personal_answers_say_private_no_store(url, user, item, client):
    client.force_login(user)
    response = client.get(url.format(item=item.pk))
    assert response.status_code in (200, 404, 405), response.status_code
    assert never_cached(response), response.get("Cache-Control")
