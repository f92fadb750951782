"""Enqueue Celery work without ever failing the request that asked for it.

If the broker is unreachable the work is only delayed: the rows it concerns stay
``pending`` and the periodic sweeper enqueues them again once the broker is back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Task, args: Sequence = (), *, queue: str, **options) -> bool:
    """Send ``task`` to ``queue`` (``options`` as for ``apply_async``, e.g. ``countdown``);
    return False (and log) if the broker is down."""
    try:
        task.apply_async(args=list(args), queue=queue, retry=False, **options)
    except Exception as exc:  # kombu/redis/amqp connection errors have no common base
        logger.warning("Could not enqueue %s%s on %s: %s", task.name, tuple(args), queue, exc)
        return False
    return True


def enqueue_on_commit(task: Task, args: Sequence = (), *, queue: str) -> None:
    """Enqueue once the current transaction commits; a rollback enqueues nothing."""
    transaction.on_commit(lambda: enqueue(task, args, queue=queue))
