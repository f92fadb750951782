"""Faults with the real services and a real worker: Redis (broker and cache) stopped while
reviews are posted through the API, and the database's connections cut during a retrain.
Afterwards nothing is lost, nothing is stuck pending, and the active model changes only
through a completed promotion.

The worker is killed mid-batch in tests/workers/test_faults.py; model storage filling up
is tests/reliability/test_full_storage.py.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from sentirec import engine
from sentirec.models import RetrainJob, RetrainStatus, Review, SentimentModel
from sentirec.queueing import RETRAIN, enqueue
from sentirec.sentiment.bundle import load_bundle
from sentirec.sentiment.training import TrainConfig, train
from sentirec.services import registry, scoring, training
from tests.conftest import toy_corpus
from tests.workers.conftest import wait_for
from tests.workers.test_faults import TEXTS, scored, use_broker

pytestmark = [pytest.mark.services, pytest.mark.slow]


def post_review(user, item, text: str) -> int:
    """Post through the API as ``user``; the answer must be a 201 whatever is down."""
    client = APIClient()
    client.force_authenticate(user)
    response = client.post("/api/reviews/", {"item": item.pk, "text": text}, format="json")
    assert response.status_code == 201, (response.status_code, response.content[:300])
    return response.json()["id"]


def test_redis_stopped_while_reviews_are_posted_loses_none(
    start_worker, toy_model, media_root, make_user, make_item, spare_redis, settings
):
    """Redis is the broker and the cache here, as in the default setup: while it is down
    every post is still a 201 and saved pending; once it is back (empty: the queued tasks
    died with it) the sweeper enqueues what is left and every review is scored once."""
    spare_redis.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": spare_redis.url}}
    use_broker(spare_redis.url)
    try:
        start_worker(
            MEDIA_ROOT=str(media_root),
            CELERY_BROKER_URL=spare_redis.url,
            REDIS_CACHE_URL=spare_redis.url,
        )
        item, users = make_item("Storm kettle"), [make_user() for _ in range(60)]
        ids = [post_review(users[k], item, TEXTS[k % 4]) for k in range(20)]
        spare_redis.stop()
        ids += [post_review(users[k], item, TEXTS[k % 4]) for k in range(20, 40)]
        assert Review.objects.filter(pk__in=ids[20:], sentiment_status="pending").count() == 20
        spare_redis.start()
        ids += [post_review(users[k], item, TEXTS[k % 4]) for k in range(40, 60)]
        settings.SENTIREC = {"SWEEP_GRACE_SECONDS": 0}
        scoring.sweep_pending_reviews()
        wait_for(lambda: scored(ids) == 60, 120, "every review to be scored after the outage")
    finally:
        use_broker(settings.CELERY_BROKER_URL)
    assert Review.objects.count() == len(set(ids)) == 60
    assert not Review.objects.exclude(sentiment_status="scored").exists()
    assert set(Review.objects.values_list("sentiment_model_version", flat=True)) == {
        toy_model.version
    }


def cut_database_connections() -> int:
    """What a PostgreSQL restart does to its clients: end every other session on this
    database (the shared server and other databases are left alone)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def others_idle() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE state = 'idle'), count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        idle, total = cursor.fetchone()
    return total > 0 and idle == total


def test_database_connections_cut_during_a_retrain(
    start_worker, toy_model, media_root, retrain_env, settings
):
    """The retrain's connection dies while the model trains (pg_terminate_backend, as a
    restart would): the worker reconnects, registers the candidate with its file and
    promotes it or not; the active model is the old one or a fully promoted new one."""
    worker = start_worker(MEDIA_ROOT=str(media_root), **retrain_env())
    assert enqueue(RETRAIN, queue=settings.SENTIREC.get("GPU_QUEUE", "sentirec.gpu"))
    wait_for(lambda: cache.get(training.LOCK_KEY) is not None, 60, "the retrain to start")
    wait_for(others_idle, 30, "the training data to be read")
    time.sleep(0.5)
    cut_at = timezone.now()
    assert cut_database_connections() >= 1
    wait_for(lambda: cache.get(training.LOCK_KEY) is None, 240, "the retrain to end")

    log = worker.log.read_text()
    trained = SentimentModel.objects.exclude(training_data__has_key="shipped")
    candidate = trained.exclude(pk=toy_model.pk).get()
    assert candidate.created > cut_at, "the kill must land before the candidate is stored"
    job = RetrainJob.objects.get()  # its progress reports reconnected too
    assert (job.status, job.model, job.epoch) == (RetrainStatus.SUCCEEDED, candidate, 15)
    assert candidate.metrics["training_seconds"] > 0
    with candidate.file.open("rb") as handle:
        assert load_bundle(handle).version == candidate.version
    active = SentimentModel.objects.get(is_active=True)
    assert active in (toy_model, candidate)
    if active == candidate:
        assert candidate.activated_at is not None and "Promoted:" in log
    else:
        assert "Not promoted" in log
    assert "OperationalError" not in log


def claimed_elsewhere() -> bool:
    """Whether another session of this database holds a transaction that has locked rows
    (it has a transaction id). Probing the rows themselves would lock them too."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'transactionid' AND a.datname = current_database() "
            "AND a.pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_promotion_while_a_batch_is_scored_leaves_none_on_the_old_model(
    toy_model, item, settings
):
    """A batch is being scored by the old model when a new one is promoted; the rescore
    the promotion starts finds those rows locked and skips them (another worker has them).
    The batch then writes the old model's scores: it must see it was superseded and send
    its reviews round again, or they stay on the old model for good."""
    settings.SENTIREC = {"SCORING_BATCH_SIZE": 4000}
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"race-{k}") for k in range(3000)]
    )
    rows = [Review(user=u, item=item, text=TEXTS[k % 4] * 100) for k, u in enumerate(users)]
    ids = [review.pk for review in Review.objects.bulk_create(rows)]
    texts, labels = toy_corpus(200, seed=11)
    config = TrainConfig(arch="mlp", embeddings=None, epochs=2, seed=5)
    newer = registry.register(train(texts, labels, config, progress=False).bundle, {}, {})
    engine.active_engine()  # the old model, loaded

    def score_then_close() -> None:  # as a worker process would: its own connection
        try:
            scoring.score_reviews(ids)
        finally:
            connection.close()

    batch = threading.Thread(target=score_then_close)
    batch.start()
    wait_for(claimed_elsewhere, 60, "the batch to claim its reviews", poll=0.02)
    registry.activate(newer)  # its rescore runs now (tasks are eager here) and finds them locked
    assert batch.is_alive(), "the batch must still be scoring when the promotion lands"
    batch.join(120)
    assert set(Review.objects.values_list("sentiment_model_version", flat=True)) == {newer.version}
