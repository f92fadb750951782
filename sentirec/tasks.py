"""Thin Celery tasks: each calls one function in ``sentirec.services``.

Each is registered under its name in ``sentirec.queueing``, which is how the rest of
sentirec sends them (by name: nothing but Celery imports this module's functions).

Scoring tasks are idempotent (results are keyed by review and model version),
acknowledged late and rejected on worker loss, so a killed worker's batch is
redelivered, not lost.

A worker also gives each of its pool processes a share of the cores for torch, before
the pool forks (:func:`share_cores`).
"""

from __future__ import annotations

import os

from celery import shared_task
from celery.signals import worker_init

from sentirec import queueing
from sentirec.services import scoring, stats


@shared_task(name=queueing.SCORE_REVIEWS, acks_late=True, reject_on_worker_lost=True)
def score_reviews(review_ids: list[int], rescore: bool = False, top_up: bool = True) -> int:
    return scoring.score_reviews(review_ids, rescore=rescore, top_up=top_up).scored


@shared_task(name=queueing.REFRESH_ITEM_STATS, acks_late=True)
def refresh_item_stats(item_ids: list[int]) -> int:
    return stats.refresh_due_item_stats(item_ids)


@shared_task(name=queueing.SWEEP_PENDING_REVIEWS)
def sweep_pending_reviews() -> int:
    return scoring.sweep_pending_reviews()


@shared_task(name=queueing.RESCORE_ALL_REVIEWS)
def rescore_all_reviews() -> int:
    return scoring.enqueue_all_reviews()


# Acknowledged on receipt: a retrain lost with its worker waits for the next schedule
# rather than running twice (its job is marked failed when the next retrain starts).
@shared_task(name=queueing.RETRAIN)
def retrain(job_id: int | None = None) -> str:
    """Run the queued retrain job ``job_id``; the beat schedule sends none (a new job)."""
    from sentirec.services import training  # torch: loaded by workers, not web processes

    return training.run_retrain_job(job_id).status


@shared_task(name=queueing.PREDICT_SENTIMENT)
def predict_sentiment(job_id: str) -> str:
    from sentirec.services import predict

    return predict.run_job(job_id)


@shared_task(name=queueing.PURGE_PREDICTION_JOBS)
def purge_prediction_jobs() -> int:
    from sentirec.services import predict

    return predict.purge_expired_jobs()


# Acknowledged on receipt, like retrain: the next scheduled run replaces a lost one.
@shared_task(name=queueing.TRAIN_RECOMMENDER)
def train_recommender() -> str:
    from sentirec.services import recommender  # torch: loaded by workers, not web processes

    return recommender.train_recommender().version


def cores() -> int:
    """The cores this process may run on (its affinity, where the system tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@worker_init.connect(dispatch_uid="sentirec_share_cores")
def share_cores(sender, **kwargs) -> None:
    """Set ``OMP_NUM_THREADS`` to the cores over the worker's concurrency (at least 1),
    unless the environment sets it: torch in each pool process would otherwise use every
    core, and two processes of two threads each on two cores scored reviews 2-3x slower
    than two of one thread (docs/workers.md). The pool processes fork after this and
    load torch in the first task, so they all read it."""
    if "OMP_NUM_THREADS" in os.environ:
        return
    concurrency = sender.concurrency if isinstance(sender.concurrency, int) else cores()
    os.environ["OMP_NUM_THREADS"] = str(max(1, cores() // max(1, concurrency)))
