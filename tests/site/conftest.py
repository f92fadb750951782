"""Fixtures for the page and API tests: reviews as the scoring service leaves them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from sentirec.models import Review, SentimentStatus
from sentirec.services.stats import refresh_item_stats


@pytest.fixture
def write_review(db):
    """Create a review; ``label`` set means "already scored" (written as the scoring
    service writes it), otherwise it stays pending."""

    def write(
        user,
        item,
        text: str = "A solid, reliable thing. Great value.",
        *,
        stars: float | None = 4,
        label: str | None = "positive",
        score: float = 0.8,
        highlights: tuple[str, ...] = ("great", "reliable"),
        title: str = "",
    ) -> Review:
        review = Review.objects.create(
            user=user,
            item=item,
            text=text,
            title=title,
            stars=None if stars is None else Decimal(str(stars)),
        )
        if label is not None:
            Review.objects.filter(pk=review.pk).update(
                sentiment_status=SentimentStatus.SCORED,
                sentiment_label=label,
                sentiment_score=score,
                sentiment_confidence=0.9,
                sentiment_highlights=list(highlights),
                sentiment_model_version="test-1",
                sentiment_scored_at=timezone.now(),
            )
        refresh_item_stats([item.pk])
        review.refresh_from_db()
        return review

    return write
