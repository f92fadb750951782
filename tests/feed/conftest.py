"""Builders for feed tests: opinions written the way the site writes them, with the
sentiment the scoring service would store, and item stats refreshed by its service."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sentirec.models import Follow, Rating, Review, SentimentStatus
from sentirec.services.stats import refresh_item_stats


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run the writes' on-commit work (cache bumps, model publication) as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def follow(db):
    def make(follower, followee) -> Follow:
        return Follow.objects.create(follower=follower, followee=followee)

    return make


@pytest.fixture
def rate(db):
    def make(user, item, stars: float) -> Rating:
        rating = Rating.objects.create(user=user, item=item, stars=Decimal(str(stars)))
        refresh_item_stats([item.pk])
        return rating

    return make


@pytest.fixture
def review(db):
    """A review, scored as the sentiment service would score it (``score`` in [-1, 1])."""

    def make(user, item, text: str, stars: float | None, score: float, highlights=()):
        made = Review.objects.create(
            user=user,
            item=item,
            text=text,
            stars=None if stars is None else Decimal(str(stars)),
        )
        Review.objects.filter(pk=made.pk).update(
            sentiment_status=SentimentStatus.SCORED,
            sentiment_label="positive" if score >= 0 else "negative",
            sentiment_score=score,
            sentiment_confidence=0.9,
            sentiment_highlights=list(highlights),
        )
        refresh_item_stats([item.pk])
        return made

    return make
