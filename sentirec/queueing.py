"""Enqueue Celery work without ever failing, or stalling, the request that asked for it.

This module is the one door to the broker. It names sentirec's tasks (the constants
below, which ``sentirec.tasks`` registers its functions under) and sends work by name, so
nothing that enqueues imports the tasks, which import the services. Every publish goes
through a connection of its own whose connect and socket timeouts and retry policy are sentirec's
(``ENQUEUE_TIMEOUT_SECONDS``, no retries), whatever broker options the host set: Celery's
defaults retry a refused connection for about six seconds per publish. If the broker is
unreachable the work is only delayed: the rows it concerns stay ``pending`` and the
periodic sweeper enqueues them again once the broker is back.

Work keyed by ids (scoring a saved review) is coalesced: :func:`enqueue_ids_on_commit`
gathers the ids committed in this process for a short window and sends them as one task,
so a burst of posts costs the workers one task per window, not one per post.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Hashable, Sequence

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


class _Coalescer:
    """The ids this process committed for one task and queue, not yet sent.

    The first id starts a timer of ``SCORING_COALESCE_SECONDS``; when it fires, or as soon
    as ``SCORING_BATCH_SIZE`` ids are waiting, they go out as one task (more than one when
    there are more ids than a batch holds). Ids still waiting when a process is killed
    are not lost: their rows are still pending, and the sweeper sends them.
    """

    def __init__(self, name: str, queue: str) -> None:
        self.name, self.queue = name, queue
        self.ids: dict[Hashable, None] = {}  # ordered, without repeats
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def add(self, ids: Sequence[Hashable]) -> None:
        with self.lock:
            self.ids.update(dict.fromkeys(ids))
            full = len(self.ids) >= settings.SCORING_BATCH_SIZE
            if not full and self.timer is None:
                self.timer = threading.Timer(settings.SCORING_COALESCE_SECONDS, self.flush)
                self.timer.daemon = True
                self.timer.start()
        if full:
            self.flush()

    def flush(self) -> None:
        """Send whatever is waiting now."""
        with self.lock:
            ids, self.ids = list(self.ids), {}
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
        size = settings.SCORING_BATCH_SIZE
        for start in range(0, len(ids), size):
            enqueue(self.name, [ids[start : start + size]], queue=self.queue)


_coalescers: dict[tuple[str, str], _Coalescer] = {}
_coalescers_lock = threading.Lock()


def _coalescer(name: str, queue: str) -> _Coalescer:
    with _coalescers_lock:
        coalescer = _coalescers.get((name, queue))
        if coalescer is None:
            coalescer = _coalescers[(name, queue)] = _Coalescer(name, queue)
        return coalescer


def flush_coalesced() -> None:
    """Send every id this process is still holding (at exit, so a restart loses none)."""
    for coalescer in list(_coalescers.values()):
        coalescer.flush()


def _forget_coalesced() -> None:
    """In a forked child: the parent's waiting ids and locks are the parent's to send."""
    global _coalescers_lock
    _coalescers.clear()
    _coalescers_lock = threading.Lock()


atexit.register(flush_coalesced)
os.register_at_fork(after_in_child=_forget_coalesced)


def enqueue_ids_on_commit(name: str, ids: Sequence[Hashable], *, queue: str) -> None:
    """Once the current transaction commits, send ``ids`` to the task ``name`` (whose one
    argument is a list of ids), coalesced with the other ids this process commits within
    ``SCORING_COALESCE_SECONDS``; a rollback sends nothing. In eager mode, or with a
    window of 0, the task is sent (or run) at the commit, with this commit's ids alone."""
    ids = list(ids)

    def send() -> None:
        if celery_app().conf.task_always_eager or not settings.SCORING_COALESCE_SECONDS:
            enqueue(name, [ids], queue=queue)
        else:
            _coalescer(name, queue).add(ids)

    transaction.on_commit(send)
