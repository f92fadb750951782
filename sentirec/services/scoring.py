"""Score reviews with the active sentiment model, and sweep up any left pending."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Case, CharField, F, JSONField, TextField, Value, When
from django.utils import timezone

from sentirec import events
from sentirec.conf import settings
from sentirec.models import Review, SentimentStatus
from sentirec.queueing import SCORE_REVIEWS, enqueue
from sentirec.services.stats import schedule_refresh

logger = logging.getLogger(__name__)


@dataclass
class ScoringReport:
    """What one call to :func:`score_reviews` did."""

    scored: int = 0
    skipped: int = 0
    failed: int = 0
    model_version: str = ""
    item_ids: set[int] = field(default_factory=set)
    user_ids: set[int] = field(default_factory=set)
    review_ids: set[int] = field(default_factory=set)


def _batches(ids: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def score_reviews(
    review_ids: Iterable[int], *, rescore: bool = False, top_up: bool = True
) -> ScoringReport:
    """Score these reviews in batches, then schedule a refresh of their items' stats.

    Idempotent: a review already scored by the active model version is skipped (unless
    ``rescore``). Rows are locked while scored (``SKIP LOCKED``: a review another worker is
    scoring is left to it), and a short batch is topped up with other pending reviews
    (unless ``top_up`` is false), so a storm of one-review tasks (one per posted review)
    is scored in full batches.
    """
    from sentirec import engine  # imports torch: only processes that score pay for it

    ids = sorted(set(review_ids))
    try:
        current = engine.active_engine()
    except Exception as exc:  # no model to score with: record it on the reviews, retry later
        logger.exception("Could not load a sentiment model to score %d reviews", len(ids))
        unscored = Review.objects.filter(pk__in=ids).exclude(
            sentiment_status=SentimentStatus.SCORED
        )
        failed = _record_failure(unscored, f"{type(exc).__name__}: {exc}")
        return ScoringReport(failed=failed)
    report = ScoringReport(model_version=current.version)
    size = settings.SCORING_BATCH_SIZE
    for batch_ids in _batches(ids, size):
        wanted = set(batch_ids)
        with transaction.atomic():
            room = size - len(batch_ids) if top_up else 0
            reviews = _claim(batch_ids, current.version, rescore, top_up=room)
            report.skipped += len(wanted) - sum(r.pk in wanted for r in reviews)
            if reviews:
                _score_batch(current, reviews, report)
    schedule_refresh(report.item_ids)
    if report.user_ids:
        # followers' cached feeds show the new sentiment (sentirec.feeds.cache listens)
        events.opinions_rescored.send(sender=Review, user_ids=report.user_ids)
    if report.review_ids and engine.active_engine().version != current.version:
        # A model was promoted while this task scored: its rescore skipped the rows locked
        # here, which now hold the old model's scores. Send them round again (the new
        # model's task skips any it has already done).
        enqueue_scoring(sorted(report.review_ids))
    return report


def _locked(queryset):
    """Lock the rows for this transaction, skipping rows another worker holds (PostgreSQL);
    databases without ``SKIP LOCKED`` rely on the conditional write instead."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def _claim(ids: Sequence[int], version: str, rescore: bool, top_up: int) -> list[Review]:
    """The reviews of ``ids`` still to score, plus up to ``top_up`` other fresh pending ones."""
    fields = ("id", "user_id", "item_id", "text", "updated")
    wanted = Review.objects.filter(pk__in=ids)
    if not rescore:
        wanted = wanted.exclude(
            sentiment_status=SentimentStatus.SCORED, sentiment_model_version=version
        )
    reviews = list(_locked(wanted).only(*fields))
    if top_up > 0 and connection.features.has_select_for_update_skip_locked:
        others = Review.objects.filter(
            sentiment_status=SentimentStatus.PENDING, sentiment_attempts=0
        ).exclude(pk__in=ids)
        reviews += list(_locked(others).only(*fields).order_by("pk")[:top_up])
    return reviews


def _score_batch(current, reviews: list[Review], report: ScoringReport) -> None:
    """Score and write one batch; any failure, the model's or the database's (a write the
    debug toolbar breaks), is logged and counted on each review, and the sweeper retries."""
    try:
        written = _write_scores(_score_rows(current, reviews))
    except Exception as exc:  # must not lose reviews: record it, retry later
        logger.exception("Scoring %d reviews with %s failed", len(reviews), current.version)
        _record_failure(
            Review.objects.filter(pk__in=[r.pk for r in reviews]), f"{type(exc).__name__}: {exc}"
        )
        report.failed += len(reviews)
        return
    report.scored += written
    report.skipped += len(reviews) - written
    report.item_ids.update(review.item_id for review in reviews)
    report.user_ids.update(review.user_id for review in reviews)
    report.review_ids.update(review.pk for review in reviews)


def _score_rows(current, reviews: list[Review]) -> list[tuple]:
    """The rows :func:`_write_scores` writes: the model's predictions for ``reviews``."""
    predictions = current.predictor.predict([review.text for review in reviews])
    now = timezone.now()
    limit = settings.HIGHLIGHT_WORDS
    return [
        (
            SentimentStatus.SCORED.value,
            prediction.label,
            prediction.score,
            prediction.confidence,
            [word for word, _ in prediction.highlights[:limit]],
            current.version,
            now,
            now,
            "",
            review.pk,
            review.updated,
        )
        for review, prediction in zip(reviews, predictions, strict=True)
    ]


SCORE_FIELDS = (
    "sentiment_status",
    "sentiment_label",
    "sentiment_score",
    "sentiment_confidence",
    "sentiment_highlights",
    "sentiment_model_version",
    "sentiment_scored_at",
    "sentiment_attempted_at",
    "sentiment_failure_reason",
)


#: Reviews written per UPDATE statement on PostgreSQL (11 parameters each; the protocol
#: allows 65,535 per statement).
WRITE_CHUNK = 1000


def _write_scores(rows: list[tuple]) -> int:
    """Write the scores; returns how many rows were written.

    Each row is ``SCORE_FIELDS`` values, then the review's pk and the ``updated`` value it
    was read with: the condition lets an edit made while scoring win (that edit is then
    scored by its own task). On PostgreSQL one ``UPDATE ... FROM (VALUES ...)`` per
    ``WRITE_CHUNK`` rows (psycopg2's ``executemany`` is one round trip per row, which cost
    as much as the model on short texts); elsewhere ``executemany`` of a per-row UPDATE.
    """
    meta = Review._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    updated = quote(meta.get_field("updated").column)
    columns = [quote(meta.get_field(name).column) for name in SCORE_FIELDS]
    fields = [*map(meta.get_field, SCORE_FIELDS), meta.pk, meta.get_field("updated")]
    rows = _prepared(rows, fields)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s AND {updated} = %s", rows
            )
            return cursor.rowcount
        row_sql = "(" + ", ".join(f"%s::{_value_type(field)}" for field in fields) + ")"
        names = [quote(field.name) for field in fields]
        assignments = ", ".join(
            f"{column} = v.{name}" for column, name in zip(columns, names, strict=False)
        )
        for start in range(0, len(rows), WRITE_CHUNK):
            chunk = rows[start : start + WRITE_CHUNK]
            cursor.execute(
                f"UPDATE {table} SET {assignments} "
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v({', '.join(names)}) "
                f"WHERE {table}.{pk} = v.{names[-2]} AND {table}.{updated} = v.{names[-1]}",
                [value for row in chunk for value in row],
            )
            written += cursor.rowcount
    return written


def _prepared(rows: list[tuple], fields: list) -> list[list]:
    """The rows as the ORM would send them. SQLite stores datetimes as naive UTC text, so
    an aware datetime passed raw never equals the stored ``updated`` and nothing would be
    written. psycopg2 adapts these numbers, strings and aware datetimes itself: there only
    the JSON column is prepared (preparing every value was a third of the write)."""
    if connection.vendor == "postgresql":
        prepare = [f.get_db_prep_save if isinstance(f, JSONField) else None for f in fields]
    else:
        prepare = [f.get_db_prep_save for f in fields]
    return [
        [
            value if to_db is None else to_db(value, connection)
            for to_db, value in zip(prepare, row, strict=True)
        ]
        for row in rows
    ]


def _value_type(field) -> str:
    """The SQL type a VALUES column is cast to: text for strings, so that the column's
    own length check applies on assignment (a cast to varchar(n) would truncate)."""
    if isinstance(field, CharField | TextField):
        return "text"
    return field.cast_db_type(connection)


def _record_failure(reviews, reason: str) -> int:
    """Count the attempt on these reviews (a queryset); after ``SCORING_MAX_ATTEMPTS`` a
    review is marked failed (one UPDATE: its right-hand sides read each row's attempts
    before the increment). Returns how many were recorded."""
    return reviews.update(
        sentiment_attempts=F("sentiment_attempts") + 1,
        sentiment_status=Case(
            When(
                sentiment_attempts__gte=settings.SCORING_MAX_ATTEMPTS - 1,
                then=Value(SentimentStatus.FAILED),
            ),
            default=Value(SentimentStatus.PENDING),
        ),
        sentiment_failure_reason=reason[:2000],
        sentiment_attempted_at=timezone.now(),
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
    sent = 0
    for batch in _batches(list(review_ids), settings.SCORING_BATCH_SIZE):
        if not enqueue(SCORE_REVIEWS, [list(batch), rescore], queue=settings.GPU_QUEUE):
            break
        sent += len(batch)
    return sent


def enqueue_all_reviews() -> int:
    """Enqueue every review, reading ``RESCORE_BATCH_SIZE`` ids per query (a promotion on a
    big site never holds every id at once); those already scored by the active model are
    skipped by the task, so after a promotion this rescores exactly the reviews the old
    model scored. Stops at the first broker failure, like :func:`enqueue_scoring`."""
    ids = Review.objects.order_by("pk").values_list("pk", flat=True)
    sent, after = 0, 0
    while True:
        chunk = list(ids.filter(pk__gt=after)[: settings.RESCORE_BATCH_SIZE])
        if not chunk:
            return sent
        queued = enqueue_scoring(chunk)
        sent += queued
        if queued < len(chunk):
            return sent
        after = chunk[-1]


def enqueue_pending_reviews() -> int:
    """Enqueue every pending review now, grace period or not (after an import)."""
    pending = Review.objects.filter(sentiment_status=SentimentStatus.PENDING)
    return enqueue_scoring(list(pending.order_by("pk").values_list("pk", flat=True)))


def sweep_pending_reviews() -> int:
    """Enqueue every review still pending after the grace period and its backoff."""
    return enqueue_scoring(due_for_scoring())
