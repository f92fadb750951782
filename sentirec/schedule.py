"""Periodic work for Celery beat, built from ``SENTIREC`` settings.

A host wires it into its Celery app once (socialsite/celery.py does)::

    from sentirec.schedule import add_periodic_tasks
    app.on_after_finalize.connect(add_periodic_tasks)
"""

from __future__ import annotations

from celery import Celery

from sentirec.conf import settings


def add_periodic_tasks(sender: Celery, **kwargs) -> None:
    """The sweeper every ``SWEEP_INTERVAL_SECONDS``; the purge of expired prediction
    jobs; a retrain every ``RETRAIN_INTERVAL_HOURS`` and a preference-model retrain every
    ``RECOMMENDER_INTERVAL_HOURS`` (0 disables either)."""
    from sentirec import tasks
    from sentirec.services.predict import JOB_SECONDS

    sender.add_periodic_task(
        settings.SWEEP_INTERVAL_SECONDS,
        tasks.sweep_pending_reviews.s().set(queue=settings.DEFAULT_QUEUE),
        name="sentirec: sweep pending reviews",
    )
    sender.add_periodic_task(
        JOB_SECONDS,
        tasks.purge_prediction_jobs.s().set(queue=settings.DEFAULT_QUEUE),
        name="sentirec: purge expired prediction jobs",
    )
    if settings.RETRAIN_INTERVAL_HOURS:
        sender.add_periodic_task(
            settings.RETRAIN_INTERVAL_HOURS * 3600,
            tasks.retrain.s().set(queue=settings.GPU_QUEUE),
            name="sentirec: retrain the sentiment model",
        )
    if settings.RECOMMENDER_INTERVAL_HOURS:
        sender.add_periodic_task(
            settings.RECOMMENDER_INTERVAL_HOURS * 3600,
            tasks.train_recommender.s().set(queue=settings.GPU_QUEUE),
            name="sentirec: retrain the preference model",
        )
