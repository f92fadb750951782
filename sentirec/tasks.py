"""Thin Celery tasks: each calls one function in ``sentirec.services``.

Tasks are idempotent (results are keyed by review and model version), acknowledged
late and rejected on worker loss, so a killed worker's batch is redelivered, not lost.
"""

from __future__ import annotations

from celery import shared_task

from sentirec.services import scoring, stats


@shared_task(name="sentirec.score_reviews", acks_late=True, reject_on_worker_lost=True)
def score_reviews(review_ids: list[int]) -> int:
    return scoring.score_reviews(review_ids).scored


@shared_task(name="sentirec.refresh_item_stats", acks_late=True)
def refresh_item_stats(item_ids: list[int]) -> int:
    return stats.refresh_item_stats(item_ids)


@shared_task(name="sentirec.sweep_pending_reviews")
def sweep_pending_reviews() -> int:
    return scoring.sweep_pending_reviews()
