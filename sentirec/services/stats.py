"""Keep ``ItemStats`` current: recomputed per item from that item's ratings and reviews."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, Count, Max, Q, Sum
from django.utils import timezone

from sentirec.conf import settings
from sentirec.models import ItemStats, Rating, Review, SentimentLabel, SentimentStatus
from sentirec.queueing import REFRESH_ITEM_STATS, enqueue
from sentirec.recommend.scoring import bayesian_quality, opinion_values

#: Items recomputed per round of queries when refreshing many items.
CHUNK = 2000
#: Changes to one item within this many seconds of the first share one stats refresh.
STATS_DEBOUNCE_SECONDS = 1
#: How long after that first change the shared refresh runs: after every change that
#: relied on it (those came within ``STATS_DEBOUNCE_SECONDS``), with a second to spare
#: for clocks that differ between the web process and the worker.
STATS_REFRESH_DELAY_SECONDS = 2


def _scored(**extra) -> Q:
    return Q(sentiment_status=SentimentStatus.SCORED, **extra)


def _opinions_by_item(item_ids: list[int]) -> dict[int, dict[int, list[float]]]:
    """item -> user -> [stars, sentiment, confidence] (NaN where missing)."""
    nan = float("nan")
    table: dict[int, dict[int, list[float]]] = defaultdict(dict)
    for item, user, stars in Rating.objects.filter(item_id__in=item_ids).values_list(
        "item_id", "user_id", "stars"
    ):
        table[item][user] = [float(stars), nan, nan]
    scored = Review.objects.filter(
        item_id__in=item_ids, sentiment_status=SentimentStatus.SCORED
    ).values_list("item_id", "user_id", "sentiment_score", "sentiment_confidence")
    for item, user, score, confidence in scored:
        row = table[item].setdefault(user, [nan, nan, nan])
        row[1], row[2] = score, confidence
    return table


def _global_mean_opinion(item_ids: list[int], total: float, count: int) -> float:
    """The site-wide mean opinion the Bayesian average shrinks toward (0 when empty).

    ``item_ids`` are being refreshed and their fresh ``total`` and ``count`` replace what
    is stored for them: the stored values are the old ones (an item whose only rating
    went from 0.5 to 5 stars would otherwise be shrunk toward its own old -1).
    """
    others = ItemStats.objects.exclude(item_id__in=item_ids).aggregate(
        total=Sum("opinion_total"), count=Sum("opinion_count")
    )
    total += others["total"] or 0.0
    count += others["count"] or 0
    return total / count if count else 0.0


def _opinion_sum(by_user: dict[int, list[float]]) -> tuple[float, int]:
    """The sum and number of one item's opinion values (users with stars or sentiment)."""
    values = np.array(list(by_user.values()), dtype=float).reshape(-1, 3)
    opinion = opinion_values(values[:, 0], values[:, 1], values[:, 2])
    opinion = opinion[~np.isnan(opinion)]
    return float(opinion.sum()), int(opinion.size)


def refresh_item_stats(item_ids: Iterable[int]) -> int:
    """Recompute the stats of these items (a few queries per chunk); returns the count."""
    ids = sorted(set(item_ids))
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start : start + CHUNK])
    return len(ids)


def _due_key(item_id: int) -> str:
    return f"sentirec:stats-due:{item_id}"


def schedule_refresh(item_ids: Iterable[int]) -> None:
    """Refresh these items' stats soon, at most once per ``STATS_DEBOUNCE_SECONDS``.

    A hot item changed by a thousand reviews in a second is recomputed once, not a
    thousand times: the first change marks it due (in this process's cache) and enqueues
    a refresh delayed past the mark's expiry; later changes see the mark and rely on that
    refresh, which is sure to read them. Nothing depends on another process seeing the
    mark, so any cache works, Django's per-process default included.
    """
    due = [i for i in set(item_ids) if cache.add(_due_key(i), 1, STATS_DEBOUNCE_SECONDS)]
    if due and not enqueue(
        REFRESH_ITEM_STATS,
        [due],
        queue=settings.DEFAULT_QUEUE,
        countdown=STATS_REFRESH_DELAY_SECONDS,
    ):
        cache.delete_many([_due_key(i) for i in due])  # broker down: the next change retries


def refresh_due_item_stats(item_ids: Iterable[int]) -> int:
    """The delayed refresh :func:`schedule_refresh` enqueues (clearing the marks early
    where the cache is shared, or the task ran in-process)."""
    ids = list(item_ids)
    cache.delete_many([_due_key(i) for i in ids])
    return refresh_item_stats(ids)


def refresh_all_item_stats() -> int:
    """Recompute every item's stats, e.g. after an import or a rescore."""
    item_ids = set(Rating.objects.values_list("item_id", flat=True).distinct())
    item_ids |= set(Review.objects.values_list("item_id", flat=True).distinct())
    return refresh_item_stats(item_ids)


def _refresh_chunk(item_ids: list[int]) -> None:
    ratings = {
        row["item_id"]: row
        for row in Rating.objects.filter(item_id__in=item_ids)
        .values("item_id")
        .annotate(n=Count("id"), avg=Avg("stars"), last=Max("updated"))
    }
    reviews = {
        row["item_id"]: row
        for row in Review.objects.filter(item_id__in=item_ids)
        .values("item_id")
        .annotate(
            n=Count("id"),
            scored=Count("id", filter=_scored()),
            positive=Count("id", filter=_scored(sentiment_label=SentimentLabel.POSITIVE)),
            negative=Count("id", filter=_scored(sentiment_label=SentimentLabel.NEGATIVE)),
            mean_sentiment=Avg("sentiment_score", filter=_scored()),
            last=Max("updated"),
        )
    }
    opinions = {
        item_id: _opinion_sum(table) for item_id, table in _opinions_by_item(item_ids).items()
    }
    global_mean = _global_mean_opinion(
        item_ids, sum(t for t, _ in opinions.values()), sum(n for _, n in opinions.values())
    )
    prior = settings.QUALITY_PRIOR_STRENGTH
    now = timezone.now()
    rows = []
    for item_id in item_ids:
        r, v = ratings.get(item_id, {}), reviews.get(item_id, {})
        total, count = opinions.get(item_id, (0.0, 0))
        last = max((t for t in (r.get("last"), v.get("last")) if t), default=None)
        rows.append(
            ItemStats(
                item_id=item_id,
                rating_count=r.get("n", 0),
                average_stars=float(r["avg"]) if r.get("avg") is not None else None,
                review_count=v.get("n", 0),
                scored_count=v.get("scored", 0),
                positive_count=v.get("positive", 0),
                negative_count=v.get("negative", 0),
                mean_sentiment=v.get("mean_sentiment"),
                opinion_count=count,
                opinion_total=total,
                mean_opinion=total / count if count else None,
                weighted_score=bayesian_quality(total, count, global_mean, prior),
                last_activity=last,
                updated=now,
            )
        )
    fields = [f.name for f in ItemStats._meta.concrete_fields if not f.primary_key]
    with transaction.atomic():
        ItemStats.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["item"], update_fields=fields
        )
