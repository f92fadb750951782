"""Faults against the real Redis broker and real worker processes: nothing is lost.

Each test starts ``celery worker`` subprocesses sharing this test's PostgreSQL database.
"""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest
from django.db import transaction

from sentirec.models import Review, SentimentModel
from sentirec.services import scoring
from socialsite.celery import app
from tests.workers.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow]

TEXTS = [
    "the battery is great and lasts, perfect phone",
    "the screen is awful and broken after a week",
    "the story is wonderful, the best book this year",
    "the kettle is useless and poor, the worst",
]


def post_reviews(make_user, item, n: int) -> list[int]:
    ids = []
    for k in range(n):
        with transaction.atomic():  # like a request: commit, then on_commit enqueues
            ids.append(Review.objects.create(user=make_user(), item=item, text=TEXTS[k % 4]).pk)
    return ids


def scored(ids) -> int:
    return Review.objects.filter(pk__in=ids, sentiment_status="scored").count()


def post_through_the_review_page(client, make_user, item, n: int) -> list[int]:
    """Each of ``n`` new users signs in and saves a review with the item page's form."""
    for k in range(n):
        client.force_login(make_user())
        response = client.post(f"/items/{item.pk}/review/", {"text": TEXTS[k % 4]})
        assert response.status_code == 302, response.content[:300]
    return list(Review.objects.filter(item=item).order_by("pk").values_list("pk", flat=True))


def test_worker_scores_reviews_posted_through_the_web_layer(
    start_worker, toy_model, media_root, make_user, item, client
):
    start_worker(MEDIA_ROOT=str(media_root))
    ids = post_through_the_review_page(client, make_user, item, 6)
    assert len(ids) == 6
    wait_for(lambda: scored(ids) == 6, 60, "the worker to score 6 reviews")
    labels = list(
        Review.objects.filter(pk__in=ids).order_by("pk").values_list("sentiment_label", flat=True)
    )
    assert labels == ["positive", "negative", "positive", "negative", "positive", "negative"]
    assert set(Review.objects.values_list("sentiment_model_version", flat=True)) == {
        toy_model.version
    }


def test_sigkill_mid_batch_loses_nothing_and_scores_once(
    start_worker, toy_model, media_root, make_user, item, settings
):
    settings.SENTIREC = {"SCORING_BATCH_SIZE": 50}
    env = {"MEDIA_ROOT": str(media_root), "SENTIREC_SETTINGS": '{"SCORING_BATCH_SIZE": 50}'}
    rows = [Review(user=make_user(), item=item, text=TEXTS[k % 4] * 40) for k in range(1500)]
    ids = [review.pk for review in Review.objects.bulk_create(rows)]  # no per-row tasks
    worker = start_worker(**env)
    assert scoring.enqueue_scoring(ids) == len(ids)
    wait_for(lambda: scored(ids) > 0, 120, "scoring to start", poll=0.05)
    worker.kill()
    done_before = dict(
        Review.objects.filter(pk__in=ids, sentiment_status="scored").values_list(
            "pk", "sentiment_scored_at"
        )
    )
    assert 0 < len(done_before) < len(ids), "the kill must land mid-way"
    start_worker(**env)
    wait_for(lambda: scored(ids) == len(ids), 240, "every review to be scored after restart")
    after = dict(Review.objects.filter(pk__in=done_before).values_list("pk", "sentiment_scored_at"))
    assert after == done_before  # scored once: the redelivered batch skipped them
    assert (
        Review.objects.filter(pk__in=ids).exclude(sentiment_model_version=toy_model.version).count()
        == 0
    )


@pytest.fixture
def spare_redis(tmp_path):
    """A Redis server of our own, so the test can take the broker down and back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--dir", str(tmp_path)]  # fmt: skip

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process: subprocess.Popen | None = None

        def start(self):
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            wait_for(self.answers, 10, "redis to start")

        def answers(self) -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return True
            except OSError:
                return False

        def stop(self):
            self.process.terminate()
            self.process.wait(10)

    server = Server()
    yield server
    if server.process and server.process.poll() is None:
        server.stop()


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker: forget the pooled connections,
    as Celery itself does after a fork (kombu keeps each broker's pool for reuse)."""
    app.conf.broker_url = url
    app._after_fork()


def test_broker_down_review_saved_pending_then_swept(
    start_worker, toy_model, media_root, make_user, item, spare_redis, settings
):
    use_broker(spare_redis.url)
    try:
        ids = post_reviews(make_user, item, 3)  # the broker is not running at all
        assert Review.objects.filter(pk__in=ids, sentiment_status="pending").count() == 3
        spare_redis.start()
        start_worker(MEDIA_ROOT=str(media_root), CELERY_BROKER_URL=spare_redis.url)
        settings.SENTIREC = {"SWEEP_GRACE_SECONDS": 0}
        assert scoring.sweep_pending_reviews() == 3
        wait_for(lambda: scored(ids) == 3, 60, "the swept reviews to be scored")
    finally:
        use_broker(settings.CELERY_BROKER_URL)


def test_corrupt_active_bundle_keeps_the_last_good_model(
    start_worker, toy_model, media_root, make_user, item, staff_client
):
    start_worker(MEDIA_ROOT=str(media_root))
    first = post_reviews(make_user, item, 2)
    wait_for(lambda: scored(first) == 2, 60, "scoring with the good model")
    broken = SentimentModel.objects.create(
        version="cnn-corrupt", architecture="cnn", file="sentirec/models/corrupt.pt"
    )
    (media_root / "sentirec" / "models" / "corrupt.pt").write_bytes(b"\x00not a bundle at all")
    SentimentModel.objects.filter(pk=toy_model.pk).update(is_active=False)
    SentimentModel.objects.filter(pk=broken.pk).update(is_active=True)
    later = post_reviews(make_user, item, 2)
    wait_for(lambda: scored(later) == 2, 60, "scoring to go on with the last good model")
    assert set(
        Review.objects.filter(pk__in=later).values_list("sentiment_model_version", flat=True)
    ) == {toy_model.version}
    broken.refresh_from_db()
    assert "corrupt.pt" in broken.load_error
    page = staff_client.get(f"/admin/sentirec/sentimentmodel/{broken.pk}/change/").content.decode()
    assert "corrupt.pt" in page
