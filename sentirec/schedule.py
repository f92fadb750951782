"""Periodic work for Celery beat, built from ``SENTIREC`` settings.

A host wires it into its Celery app once (socialsite/celery.py does)::

    from sentirec.schedule import add_periodic_tasks
    app.on_after_finalize.connect(add_periodic_tasks)
"""

from __future__ import annotations

from celery import Celery

from sentirec import queueing
from sentirec.conf import settings


def add_periodic_tasks(sender: Celery, **kwargs) -> None:
    """The sweeper every ``SWEEP_INTERVAL_SECONDS``; the purge of expired prediction
    jobs; a retrain every ``RETRAIN_INTERVAL_HOURS`` and a preference-model retrain every
    ``RECOMMENDER_INTERVAL_HOURS`` (0 disables either). Each is named, not imported."""
    from sentirec.services.predict import JOB_SECONDS

    sender.add_periodic_task(
        settings.SWEEP_INTERVAL_SECONDS,
        sender.signature(queueing.SWEEP_PENDING_REVIEWS, queue=settings.DEFAULT_QUEUE),
        name="sentirec: sweep pending reviews",
    )
    sender.add_periodic_task(
        JOB_SECONDS,
        sender.signature(queueing.PURGE_PREDICTION_JOBS, queue=settings.DEFAULT_QUEUE),
        name="sentirec: purge expired prediction jobs",
    )
    if settings.RETRAIN_INTERVAL_HOURS:
        sender.add_periodic_task(
            settings.RETRAIN_INTERVAL_HOURS * 3600,
            sender.signature(queueing.RETRAIN, queue=settings.GPU_QUEUE),
            name="sentirec: retrain the sentiment model",
        )
    if settings.RECOMMENDER_INTERVAL_HOURS:
        sender.add_periodic_task(
            settings.RECOMMENDER_INTERVAL_HOURS * 3600,
            sender.signature(queueing.TRAIN_RECOMMENDER, queue=settings.GPU_QUEUE),
            name="sentirec: retrain the preference model",
        )
