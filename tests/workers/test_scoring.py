"""Scoring in-process: batches, idempotency, failures, the sweeper and model reloads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from sentirec import engine
from sentirec.models import ItemStats, Review, SentimentModel
from sentirec.services import registry, scoring

pytestmark = pytest.mark.django_db


def review(user, item, text="the battery is great and perfect", **extra) -> Review:
    return Review.objects.create(user=user, item=item, text=text, **extra)


def test_saved_review_is_scored_with_label_score_confidence_and_words(
    toy_model, user, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = review(user, item, stars=5)
    r.refresh_from_db()
    assert r.sentiment_status == "scored"
    assert r.sentiment_label == "positive"
    assert 0 < r.sentiment_score <= 1 and 0.5 <= r.sentiment_confidence <= 1
    assert r.sentiment_model_version == toy_model.version
    assert "great" in r.sentiment_highlights
    assert r.sentiment_scored_at is not None
    assert ItemStats.objects.get(item=item).positive_count == 1


def test_rolled_back_transaction_enqueues_nothing(
    toy_model, user, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                review(user, item)
                raise RuntimeError("abort")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Review.objects.exists()


def test_scoring_twice_changes_nothing(toy_model, make_user, item):
    ids = [review(make_user(), item).pk for _ in range(3)]
    first = scoring.score_reviews(ids)
    stamps = dict(Review.objects.values_list("pk", "sentiment_scored_at"))
    second = scoring.score_reviews(ids)
    assert (first.scored, second.scored, second.skipped) == (3, 0, 3)
    assert dict(Review.objects.values_list("pk", "sentiment_scored_at")) == stamps


def test_batches_cover_every_review(toy_model, make_user, item, settings):
    settings.SENTIREC = {"SCORING_BATCH_SIZE": 4}
    texts = ["the film is awful and broken", "the book is great and best"] * 5
    ids = [review(make_user(), item, text).pk for text in texts]
    report = scoring.score_reviews(ids)
    assert report.scored == 10
    labels = dict(Review.objects.values_list("text", "sentiment_label"))
    assert labels == {texts[0]: "negative", texts[1]: "positive"}


def test_edit_during_scoring_wins(toy_model, user, item):
    r = review(user, item)
    stale = Review.objects.get(pk=r.pk)
    r.text = "the phone is terrible and useless"
    r.save()  # a newer edit lands before the old batch writes
    scoring._score_batch(engine.active_engine(), [stale], scoring.ScoringReport())
    r.refresh_from_db()
    assert r.sentiment_status == "pending"


def test_scores_are_written_in_chunks_and_stale_rows_are_skipped(
    toy_model, make_user, item, monkeypatch
):
    monkeypatch.setattr(scoring, "WRITE_CHUNK", 2)  # PostgreSQL: 3 statements for 5 rows
    reviews = [review(make_user(), item) for _ in range(5)]
    stale = list(Review.objects.filter(pk__in=[r.pk for r in reviews]).order_by("pk"))
    reviews[2].text = "the phone is terrible and useless"
    reviews[2].save()
    report = scoring.ScoringReport()
    scoring._score_batch(engine.active_engine(), stale, report)
    assert (report.scored, report.skipped) == (4, 1)
    statuses = dict(Review.objects.values_list("pk", "sentiment_status"))
    assert [statuses[r.pk] for r in reviews] == ["scored", "scored", "pending", "scored", "scored"]
    first = Review.objects.get(pk=reviews[0].pk)
    assert first.sentiment_label == "positive" and "great" in first.sentiment_highlights
    assert first.sentiment_model_version == toy_model.version


def test_failure_is_counted_then_marked_failed(toy_model, user, item, settings, monkeypatch):
    settings.SENTIREC = {"SCORING_MAX_ATTEMPTS": 2}
    r = review(user, item)

    def explode(texts):
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(engine.active_engine().predictor, "predict", explode)
    scoring.score_reviews([r.pk])
    r.refresh_from_db()
    assert (r.sentiment_status, r.sentiment_attempts) == ("pending", 1)
    scoring.score_reviews([r.pk])
    r.refresh_from_db()
    assert (r.sentiment_status, r.sentiment_attempts) == ("failed", 2)
    assert "CUDA out of memory" in r.sentiment_failure_reason


class BrokenScoreWrites:
    """Like the debug toolbar's SQL panel on SQLite: the statement writing scores fails."""

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and "sentiment_label" in sql:
            raise TypeError("'NoneType' object is not iterable")
        return execute(sql, params, many, context)


def test_a_failed_score_write_in_process_is_recorded_logged_and_retried(
    toy_model, user, item, settings, caplog, django_capture_on_commit_callbacks
):
    """In eager mode on the request's on_commit, the failure lands on the review and in
    the log (it used to vanish into Celery's unread eager result: attempts stayed 0)."""
    from django.db import connection
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    broken = connection.execute_wrapper(BrokenScoreWrites())
    with broken, caplog.at_level("ERROR"), django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/reviews/", {"item": item.pk, "text": "loved it", "stars": 5})
    assert response.status_code == 201, response.content
    r = Review.objects.get(pk=response.json()["id"])
    assert (r.sentiment_status, r.sentiment_attempts) == ("pending", 1)
    assert "TypeError: 'NoneType' object is not iterable" in r.sentiment_failure_reason
    assert r.sentiment_attempted_at is not None
    assert "Scoring 1 reviews with" in caplog.text and "failed" in caplog.text
    settings.SENTIREC = {"SWEEP_GRACE_SECONDS": 0, "SCORING_BACKOFF_SECONDS": 0}
    assert scoring.sweep_pending_reviews() == 1  # the sweeper retries it; now it works
    r.refresh_from_db()
    assert (r.sentiment_status, r.sentiment_failure_reason) == ("scored", "")


def test_a_model_that_cannot_load_is_recorded_on_the_reviews(
    user, item, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def missing():
        raise FileNotFoundError("sentirec/models/v3.pt")

    monkeypatch.setattr(engine, "active_engine", missing)
    with caplog.at_level("ERROR"), django_capture_on_commit_callbacks(execute=True):
        r = review(user, item)
    r.refresh_from_db()
    assert (r.sentiment_status, r.sentiment_attempts) == ("pending", 1)
    assert "FileNotFoundError" in r.sentiment_failure_reason
    assert "Could not load a sentiment model to score 1 reviews" in caplog.text


def test_a_task_failing_in_eager_mode_is_logged(caplog, monkeypatch):
    from sentirec.queueing import SWEEP_PENDING_REVIEWS, enqueue

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(scoring, "sweep_pending_reviews", broken)
    with caplog.at_level("ERROR", "sentirec.queueing"):
        assert enqueue(SWEEP_PENDING_REVIEWS, queue="sentirec.default")
    assert "sentirec.sweep_pending_reviews() failed in-process" in caplog.text
    assert "RuntimeError: disk full" in caplog.text


def test_sweeper_respects_grace_and_backoff(user, other_user, item, settings):
    settings.SENTIREC = {"SWEEP_GRACE_SECONDS": 60, "SCORING_BACKOFF_SECONDS": 100}
    now = timezone.now()
    fresh = review(user, item)
    old = review(other_user, item)
    Review.objects.filter(pk=old.pk).update(updated=now - timedelta(minutes=5))
    assert scoring.due_for_scoring(now) == [old.pk]
    Review.objects.filter(pk=old.pk).update(
        sentiment_attempts=2, sentiment_attempted_at=now - timedelta(seconds=150)
    )
    assert scoring.due_for_scoring(now) == []  # second retry waits 200 s
    assert scoring.due_for_scoring(now + timedelta(seconds=60)) == [old.pk]
    assert fresh.pk in scoring.due_for_scoring(now + timedelta(hours=1))


def test_engine_reloads_when_the_active_model_changes(toy_model, media_root, toy_bundle_bytes):
    first = engine.active_engine()
    assert first.version == toy_model.version
    assert engine.active_engine() is first  # loaded once, reused
    SentimentModel.objects.filter(pk=toy_model.pk).update(is_active=False)
    bad = SentimentModel.objects.create(version="broken-1", architecture="cnn", file="nope.pt")
    SentimentModel.objects.filter(pk=bad.pk).update(is_active=True)
    assert engine.active_engine() is first  # a broken bundle keeps the last good model
    bad.refresh_from_db()
    assert "nope.pt" in bad.load_error
    registry.activate(toy_model)
    assert engine.active_engine().model_id == toy_model.pk


def test_activate_and_rollback(toy_model, media_root):
    other = SentimentModel.objects.create(version="other", architecture="mlp", file="x.pt")
    registry.activate(other)
    toy_model.refresh_from_db()
    assert other.is_active and not toy_model.is_active
    assert registry.rollback() == toy_model
    toy_model.refresh_from_db()
    assert toy_model.is_active


def test_scoring_invalidates_the_cached_feeds_that_read_the_author(toy_model, user, item):
    from django.core.cache import cache

    from sentirec.feeds.cache import OPINIONS, token_key

    r = review(user, item)
    before = cache.get(token_key(OPINIONS, user.pk))
    scoring.score_reviews([r.pk])
    assert cache.get(token_key(OPINIONS, user.pk)) not in (None, before)


def test_a_short_batch_is_topped_up_with_pending_reviews(toy_model, make_user, item):
    from django.db import connection

    first, *others = [review(make_user(), item).pk for _ in range(4)]
    report = scoring.score_reviews([first])
    expected = 4 if connection.features.has_select_for_update_skip_locked else 1
    assert report.scored == expected
    assert scoring.score_reviews(others, top_up=False).scored == 4 - expected


def test_the_rescore_fan_out_reads_rescore_batch_size_ids_per_query(
    make_user, item, settings, monkeypatch, django_assert_num_queries
):
    settings.SENTIREC = {"RESCORE_BATCH_SIZE": 3, "SCORING_BATCH_SIZE": 2}
    ids = [review(make_user(), item).pk for _ in range(7)]
    sent = []
    monkeypatch.setattr(scoring, "enqueue", lambda task, args, queue: sent.append(args[0]) or True)

    with django_assert_num_queries(4):  # three chunks of ids, then an empty one
        assert scoring.enqueue_all_reviews() == 7

    assert sent == [ids[0:2], ids[2:3], ids[3:5], ids[5:6], ids[6:7]]
    monkeypatch.setattr(scoring, "enqueue", lambda task, args, queue: len(args[0]) == 2)
    assert scoring.enqueue_all_reviews() == 2  # the broker failed: the sweeper does the rest


@pytest.fixture
def minilm_model(db, media_root):
    """A tiny random-init minilm (the real WordPiece) trained on the toy reviews, active."""
    from sentirec.sentiment.training import TrainConfig, train
    from tests.conftest import serving, toy_corpus

    hparams = {"layers": 1, "hidden": 64, "heads": 4, "inner": 128, "pretrained": False}
    config = TrainConfig(arch="minilm", hparams=hparams, epochs=6, lr=5e-3, patience=6)
    yield from serving(train(*toy_corpus(), config, progress=False).bundle, {}, {"toy": True})


def test_a_minilm_model_scores_reviews_through_the_same_path(
    minilm_model, user, item, django_capture_on_commit_callbacks
):
    text = "the battery is great and perfect"
    with django_capture_on_commit_callbacks(execute=True):
        r = review(user, item, text=text, stars=5)
    r.refresh_from_db()
    assert r.sentiment_status == "scored" and r.sentiment_label == "positive"
    assert r.sentiment_model_version == minilm_model.version
    assert minilm_model.version.startswith("minilm-")
    # highlights are whole words of the review, not WordPiece pieces
    assert r.sentiment_highlights and set(r.sentiment_highlights) <= set(text.split())
