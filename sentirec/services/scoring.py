"""Score reviews with the active sentiment model, and sweep up any left pending."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sentirec.conf import settings
from sentirec.models import Review, SentimentStatus
from sentirec.queueing import enqueue
from sentirec.services.stats import refresh_item_stats

logger = logging.getLogger(__name__)


@dataclass
class ScoringReport:
    """What one call to :func:`score_reviews` did."""

    scored: int = 0
    skipped: int = 0
    failed: int = 0
    model_version: str = ""
    item_ids: set[int] = field(default_factory=set)


def _batches(ids: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def score_reviews(review_ids: Iterable[int], *, rescore: bool = False) -> ScoringReport:
    """Score these reviews in batches and refresh the stats of their items.

    Idempotent: a review already scored by the active model version is skipped (unless
    ``rescore``), and each write is conditional on the review's ``updated`` stamp, so an
    edit made while scoring wins and is scored again by its own task.
    """
    from sentirec import engine  # imports torch: only processes that score pay for it

    current = engine.active_engine()
    report = ScoringReport(model_version=current.version)
    ids = sorted(set(review_ids))
    for batch_ids in _batches(ids, settings.SCORING_BATCH_SIZE):
        reviews = list(
            Review.objects.filter(pk__in=batch_ids).only("id", "item_id", "text", "updated")
        )
        if not rescore:
            done = set(
                Review.objects.filter(
                    pk__in=batch_ids,
                    sentiment_status=SentimentStatus.SCORED,
                    sentiment_model_version=current.version,
                ).values_list("pk", flat=True)
            )
            report.skipped += len(done)
            reviews = [review for review in reviews if review.pk not in done]
        if reviews:
            _score_batch(current, reviews, report)
    if report.item_ids:
        refresh_item_stats(report.item_ids)
    return report


def _score_batch(current, reviews: list[Review], report: ScoringReport) -> None:
    try:
        predictions = current.predictor.predict([review.text for review in reviews])
    except Exception as exc:  # a model bug must not lose reviews: record it, retry later
        logger.exception("Scoring %d reviews with %s failed", len(reviews), current.version)
        _record_failure(reviews, f"{type(exc).__name__}: {exc}")
        report.failed += len(reviews)
        return
    now = timezone.now()
    limit = settings.HIGHLIGHT_WORDS
    with transaction.atomic():
        for review, prediction in zip(reviews, predictions, strict=True):
            written = Review.objects.filter(pk=review.pk, updated=review.updated).update(
                sentiment_status=SentimentStatus.SCORED,
                sentiment_label=prediction.label,
                sentiment_score=prediction.score,
                sentiment_confidence=prediction.confidence,
                sentiment_highlights=[word for word, _ in prediction.highlights[:limit]],
                sentiment_model_version=current.version,
                sentiment_scored_at=now,
                sentiment_attempted_at=now,
                sentiment_failure_reason="",
            )
            if written:
                report.scored += 1
                report.item_ids.add(review.item_id)
            else:
                report.skipped += 1


def _record_failure(reviews: list[Review], reason: str) -> None:
    """Count the attempt; after ``SCORING_MAX_ATTEMPTS`` the review is marked failed."""
    now = timezone.now()
    for review in Review.objects.filter(pk__in=[r.pk for r in reviews]):
        attempts = review.sentiment_attempts + 1
        status = (
            SentimentStatus.FAILED
            if attempts >= settings.SCORING_MAX_ATTEMPTS
            else SentimentStatus.PENDING
        )
        Review.objects.filter(pk=review.pk).update(
            sentiment_attempts=attempts,
            sentiment_status=status,
            sentiment_failure_reason=reason[:2000],
            sentiment_attempted_at=now,
        )


def due_for_scoring(now=None) -> list[int]:
    """Ids of pending reviews older than the grace period whose retry backoff has passed."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.SWEEP_GRACE_SECONDS)
    backoff = settings.SCORING_BACKOFF_SECONDS
    pending = Review.objects.filter(
        sentiment_status=SentimentStatus.PENDING, updated__lte=now - grace
    ).values_list("pk", "sentiment_attempts", "sentiment_attempted_at")
    due = []
    for pk, attempts, last_attempt in pending.iterator(chunk_size=5000):
        wait = timedelta(seconds=backoff * 2 ** (attempts - 1)) if attempts else timedelta(0)
        if last_attempt is None or last_attempt + wait <= now:
            due.append(pk)
    return due


def enqueue_scoring(review_ids: Sequence[int], *, rescore: bool = False) -> int:
    """Enqueue scoring in batches; stops at the first broker failure (the sweeper retries)."""
    from sentirec import tasks

    sent = 0
    for batch in _batches(list(review_ids), settings.SCORING_BATCH_SIZE):
        if not enqueue(tasks.score_reviews, [list(batch), rescore], queue=settings.GPU_QUEUE):
            break
        sent += len(batch)
    return sent


def enqueue_all_reviews() -> int:
    """Enqueue every review; those already scored by the active model are skipped by the
    task, so after a promotion this rescores exactly the reviews the old model scored."""
    return enqueue_scoring(list(Review.objects.order_by("pk").values_list("pk", flat=True)))


def enqueue_pending_reviews() -> int:
    """Enqueue every pending review now, grace period or not (after an import)."""
    pending = Review.objects.filter(sentiment_status=SentimentStatus.PENDING)
    return enqueue_scoring(list(pending.order_by("pk").values_list("pk", flat=True)))


def sweep_pending_reviews() -> int:
    """Enqueue every review still pending after the grace period and its backoff."""
    return enqueue_scoring(due_for_scoring())
