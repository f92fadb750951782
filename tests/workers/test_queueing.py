"""Enqueueing is bounded in time by sentirec itself, whatever broker options the host set.

The host here has Celery's defaults (no transport options, no connection timeouts, the
default retry policy), which retry a refused connection for about six seconds per publish.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.test import APIClient

from sentirec import queueing
from sentirec.models import Review
from sentirec.queueing import SCORE_REVIEWS, SWEEP_PENDING_REVIEWS, enqueue, flush_coalesced
from socialsite.celery import app
from tests.imports import import_graph

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def host_broker(settings) -> Iterator:
    """Point the app at a broker with the host's default options (none of the demo's)."""
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "broker_transport_options", "broker_connection_max_retries")
    }

    def use(url: str) -> None:
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        app.conf.broker_transport_options = {}
        app.conf.broker_connection_max_retries = 100  # Celery's default
        app._after_fork()

    yield use
    app.conf.update(saved)
    app._after_fork()


@pytest.fixture
def silent_broker() -> Iterator[str]:
    """A port that accepts connections and never answers (a hung broker)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


@pytest.mark.parametrize("scheme", ["redis://127.0.0.1:{}/0", "amqp://guest@127.0.0.1:{}//"])
def test_a_refused_broker_answers_at_once(host_broker, scheme, caplog):
    host_broker(scheme.format(closed_port()))
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, "sentirec.queueing"):
        assert not enqueue(SWEEP_PENDING_REVIEWS, queue="sentirec.default")
    assert time.monotonic() - started < 1  # Celery's defaults alone: about 6 s
    assert "Could not enqueue sentirec.sweep_pending_reviews()" in caplog.text


def test_a_silent_broker_is_given_up_after_the_timeout(host_broker, silent_broker, settings):
    settings.SENTIREC = {"ENQUEUE_TIMEOUT_SECONDS": 0.3}
    host_broker(silent_broker)
    started = time.monotonic()
    assert not enqueue(SWEEP_PENDING_REVIEWS, queue="sentirec.default")
    assert time.monotonic() - started < 1.5


def test_posting_a_review_with_the_broker_down_is_fast_and_saves_it(
    host_broker, user, item, django_capture_on_commit_callbacks
):
    host_broker(f"redis://127.0.0.1:{closed_port()}/0")
    api = APIClient()
    api.force_authenticate(user)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post(
            "/api/reviews/", {"item": item.pk, "text": "Great kettle.", "stars": 5}, format="json"
        )
    flush_coalesced()  # the scoring task, which would go out a moment later
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert callbacks  # the enqueues did run, and failed
    assert elapsed < 2  # was about 6 s per enqueue
    assert Review.objects.get(pk=response.json()["id"]).sentiment_status == "pending"


def test_a_review_saved_while_the_broker_is_down_is_scored_later(
    host_broker, user, item, settings, django_capture_on_commit_callbacks, caplog
):
    """Nothing is lost: the scoring task could not be sent, the review stays pending, and
    the sweeper (as beat sends it) has it scored once the broker is back."""
    # No window timer: on a busy machine it fired first and logged from its own thread
    # after the assertion below had read the log.
    settings.SENTIREC = {"SCORING_COALESCE_SECONDS": 60}
    host_broker(f"redis://127.0.0.1:{closed_port()}/0")
    with django_capture_on_commit_callbacks(execute=True):
        review = Review.objects.create(user=user, item=item, text="A wonderful, sturdy kettle.")
    with caplog.at_level(logging.WARNING, "sentirec.queueing"):
        flush_coalesced()
    assert f"Could not enqueue {SCORE_REVIEWS}([{review.pk}],)" in caplog.text
    review.refresh_from_db()
    assert review.sentiment_status == "pending"

    app.conf.task_always_eager = True  # the broker is back (in-process, for this test)
    settings.SENTIREC = {"SWEEP_GRACE_SECONDS": 0}
    assert enqueue(SWEEP_PENDING_REVIEWS, queue="sentirec.default")
    review.refresh_from_db()
    assert review.sentiment_status == "scored"
    assert review.sentiment_label == "positive"


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, list]]:
    """What the site sends the broker (recorded, not sent), with tasks not run eagerly."""
    calls: list[tuple[str, list]] = []
    app.conf.task_always_eager = False  # the autouse _eager_celery fixture puts it back
    monkeypatch.setattr(
        queueing, "enqueue", lambda name, args, **options: calls.append((name, args)) or True
    )
    yield calls
    flush_coalesced()


def authors(prefix: str, n: int) -> list:
    User = get_user_model()
    return User.objects.bulk_create([User(username=f"{prefix}-{k}") for k in range(n)])


def scoring_batches(calls: list[tuple[str, list]]) -> list[list[int]]:
    return [args[0] for name, args in calls if name == SCORE_REVIEWS]


class HeldTimer(threading.Timer):
    """A window timer that waits for the test to fire it (a loaded machine's clock would
    otherwise close the window in the middle of the burst)."""

    started: list[HeldTimer] = []

    def start(self) -> None:
        HeldTimer.started.append(self)

    def fire(self) -> None:
        self.function(*self.args, **self.kwargs)


def test_a_burst_of_posts_is_scored_by_one_task(
    sent, item, monkeypatch, django_capture_on_commit_callbacks
):
    """Each post is its own transaction; the first starts the window, and their ids all
    wait for it to close."""
    monkeypatch.setattr(queueing.threading, "Timer", HeldTimer)
    monkeypatch.setattr(HeldTimer, "started", [])
    ids = []
    for author in authors("burst", 20):
        with django_capture_on_commit_callbacks(execute=True):
            ids.append(Review.objects.create(user=author, item=item, text="Fine.").pk)
    assert scoring_batches(sent) == []  # still inside the window
    (window,) = HeldTimer.started
    assert window.interval == queueing.settings.SCORING_COALESCE_SECONDS
    window.fire()
    assert scoring_batches(sent) == [ids]


def test_the_window_closes_by_itself(sent, user, item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = Review.objects.create(user=user, item=item, text="Fine.")
    deadline = time.monotonic() + 10
    while not scoring_batches(sent) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert scoring_batches(sent) == [[review.pk]]


def test_a_full_batch_is_sent_at_once(sent, item, settings, django_capture_on_commit_callbacks):
    """``SCORING_BATCH_SIZE`` waiting ids go at once (here from one transaction); a
    rolled-back save sends nothing."""
    settings.SENTIREC = {"SCORING_COALESCE_SECONDS": 60, "SCORING_BATCH_SIZE": 5}
    with django_capture_on_commit_callbacks(execute=True):
        ids = [
            Review.objects.create(user=author, item=item, text="Fine.").pk
            for author in authors("batch", 12)
        ]
    assert scoring_batches(sent) == [ids[:5], ids[5:10]]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Review.objects.create(user=authors("gone", 1)[0], item=item, text="Gone.")
        transaction.set_rollback(True)
    flush_coalesced()
    assert scoring_batches(sent) == [ids[:5], ids[5:10], ids[10:]]


@pytest.mark.services
def test_a_bounded_publish_reaches_a_live_broker(host_broker, settings):
    """The bounded connection still delivers (and declares the queue) on the real Redis."""
    host_broker(settings.CELERY_BROKER_URL)
    queue = f"sentirec.test-{threading.get_ident()}-{time.monotonic_ns()}"
    assert enqueue(SWEEP_PENDING_REVIEWS, queue=queue)
    with app.connection_for_read() as conn:
        channel = conn.default_channel
        try:
            message = channel.basic_get(queue, no_ack=True)
            assert message is not None
            assert message.headers["task"] == "sentirec.sweep_pending_reviews"
        finally:
            channel.queue_delete(queue)


def test_only_the_app_config_imports_the_tasks():
    """Work is sent by name through ``sentirec.queueing``: services, signals, admin and
    schedule never import ``sentirec.tasks`` (which imports the services), so no circle."""
    importers = {name for name, imports in import_graph().items() if "sentirec.tasks" in imports}
    assert importers == {"sentirec.apps"}
