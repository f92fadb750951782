"""Enqueue Celery work without ever failing, or stalling, the request that asked for it.

This module is the one door to the broker. It names sentirec's tasks (the constants
below, which ``sentirec.tasks`` registers its functions under) and sends work by name, so
nothing that enqueues imports the tasks, which import the services. Every publish goes
through a connection of its own whose connect and socket timeouts and retry policy are sentirec's
(``ENQUEUE_TIMEOUT_SECONDS``, no retries), whatever broker options the host set: Celery's
defaults retry a refused connection for about six seconds per publish. If the broker is
unreachable the work is only delayed: the rows it concerns stay ``pending`` and the
periodic sweeper enqueues them again once the broker is back.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence

from celery import Celery, current_app
from django.db import connections, transaction
from kombu import Connection

from sentirec.conf import settings

logger = logging.getLogger(__name__)

#: The registered names of sentirec's Celery tasks (see ``sentirec/tasks.py``).
SCORE_REVIEWS = "sentirec.score_reviews"
REFRESH_ITEM_STATS = "sentirec.refresh_item_stats"
SWEEP_PENDING_REVIEWS = "sentirec.sweep_pending_reviews"
RESCORE_ALL_REVIEWS = "sentirec.rescore_all_reviews"
RETRAIN = "sentirec.retrain"
PREDICT_SENTIMENT = "sentirec.predict_sentiment"
PURGE_PREDICTION_JOBS = "sentirec.purge_prediction_jobs"
TRAIN_RECOMMENDER = "sentirec.train_recommender"

_pools: dict[tuple, object] = {}
_pools_lock = threading.Lock()
#: Publishing connections kept open per process and broker.
POOL_LIMIT = 10


def celery_app() -> Celery:
    """The Celery app sentirec's tasks are sent through (the host's, once it is loaded)."""
    return current_app._get_current_object()


def bounded_connection(app: Celery) -> Connection:
    """A publishing connection to ``app``'s broker that gives up after the timeout.

    The host's transport options are kept (e.g. Redis's ``visibility_timeout``); the
    timeouts are ours, or the host's where they are shorter; ``max_retries`` 0 stops
    kombu's connect-retry loop.
    """
    timeout = float(settings.ENQUEUE_TIMEOUT_SECONDS)
    host = app.conf.broker_transport_options or {}
    options = {
        # Redis: connecting, and each command.
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        # AMQP: each frame read or written.
        "read_timeout": timeout,
        "write_timeout": timeout,
    }
    for key, ours in options.items():
        if isinstance(host.get(key), int | float) and 0 < host[key] < ours:
            options[key] = host[key]
    options["max_retries"] = 0
    return app.connection_for_write(connect_timeout=timeout, transport_options=options)


def _pool(app: Celery):
    """This process's pool of bounded connections to ``app``'s broker (a fork gets new ones)."""
    connection = bounded_connection(app)
    key = (os.getpid(), connection.__eqhash__())
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = connection.Pool(limit=POOL_LIMIT)
        else:
            connection.release()
    return pool


def enqueue(
    name: str, args: Sequence = (), *, queue: str, background: bool = False, **options
) -> bool:
    """Send the task registered as ``name`` to ``queue`` (``options`` as for
    ``apply_async``, e.g. ``countdown``); return False (and log) if the broker cannot take
    it within ``ENQUEUE_TIMEOUT_SECONDS``.

    With ``CELERY_TASK_ALWAYS_EAGER`` the task runs here and now (``background``: in a
    thread of its own, for work that takes minutes, such as a retrain, so the request
    that asked is not held); a failure is logged (Celery keeps it in the unread result
    otherwise)."""
    app = celery_app()
    if app.conf.task_always_eager:  # send_task ignores it: run the registered task itself
        if background:
            threading.Thread(
                target=_run_in_thread, args=(name, args, queue, options), daemon=True
            ).start()
        else:
            _run_eagerly(name, args, queue, options)
        return True
    send = {"args": list(args), "queue": queue, "retry": False, **options}
    try:
        with _pool(app).acquire(block=True, timeout=settings.ENQUEUE_TIMEOUT_SECONDS) as conn:
            try:
                app.send_task(name, connection=conn, **send)
            except Exception:
                conn.collect()  # drop a half-broken connection; the next publish reconnects
                raise
    except Exception as exc:  # kombu/redis/amqp connection errors have no common base
        logger.warning("Could not enqueue %s%s on %s: %s", name, tuple(args), queue, exc)
        return False
    return True


def _run_eagerly(name: str, args: Sequence, queue: str, options: dict) -> None:
    call = f"{name}{tuple(args)}"
    try:
        result = celery_app().tasks[name].apply_async(args=list(args), queue=queue, **options)
    except Exception:  # CELERY_TASK_EAGER_PROPAGATES: the task's own error
        logger.exception("%s failed in-process", call)
        return
    if result.failed():
        logger.error("%s failed in-process:\n%s", call, result.traceback)


def _run_in_thread(name: str, args: Sequence, queue: str, options: dict) -> None:
    try:
        _run_eagerly(name, args, queue, options)
    finally:
        connections.close_all()  # this thread's own connections


def enqueue_on_commit(name: str, args: Sequence = (), *, queue: str) -> None:
    """Enqueue once the current transaction commits; a rollback enqueues nothing."""
    transaction.on_commit(lambda: enqueue(name, args, queue=queue))
