"""Retraining: the quality gate, the fixed validation set and the lock."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from sentirec.models import SentimentModel
from sentirec.services import training
from tests.conftest import toy_corpus

pytestmark = pytest.mark.django_db


def write_csv(path, texts, labels):
    path.write_text(
        "text,label\n" + "\n".join(f"{t},{y}" for t, y in zip(texts, labels, strict=True))
    )
    return f"csv:{path}"


@pytest.fixture
def retrain_data(settings, tmp_path):
    settings.SENTIREC = {
        "RETRAIN_BASE_DATA": [write_csv(tmp_path / "base.csv", *toy_corpus(200, seed=5))],
        "RETRAIN_VALIDATION_DATA": [write_csv(tmp_path / "val.csv", *toy_corpus(100, seed=9))],
        "RETRAIN_ARCH": "mlp",
        "RETRAIN_OPTIONS": {"embeddings": None, "epochs": 6, "lr": 1e-2, "patience": 6},
    }
    return settings.SENTIREC


@pytest.mark.slow
def test_worse_candidate_is_registered_but_not_promoted(toy_model, retrain_data):
    # one epoch at a tiny learning rate: clearly worse than the active model
    report = training.retrain(options={"epochs": 1, "lr": 1e-6, "patience": 1})
    assert not report.promoted
    assert report.candidate_accuracy < report.active_accuracy
    assert SentimentModel.objects.filter(version=report.model.version, is_active=False).exists()
    assert SentimentModel.objects.get(is_active=True) == toy_model
    assert report.model.file.size > 0
    assert report.model.metrics["history"] and report.model.metrics["confusion"]


@pytest.mark.slow
def test_good_candidate_is_promoted(toy_model, retrain_data, django_capture_on_commit_callbacks):
    SentimentModel.objects.filter(pk=toy_model.pk).update(metrics={"accuracy": 0.0})
    with django_capture_on_commit_callbacks(execute=True):
        report = training.retrain(options={"seed": 3})
    assert report.candidate_accuracy >= report.active_accuracy
    assert report.promoted
    assert SentimentModel.objects.get(is_active=True) == report.model


def test_a_second_retrain_is_refused_while_one_runs(retrain_data):
    cache.add(training.LOCK_KEY, 1, 60)
    with pytest.raises(training.RetrainError, match="already running"):
        training.retrain()


def test_site_reviews_labelled_by_stars_and_corrections(user, other_user, make_user, item):
    from sentirec.models import Review

    rows = [(5, ""), (1, ""), (3, ""), (3, "positive"), (5, "negative")]
    for stars, corrected in rows:
        Review.objects.create(
            user=make_user(),
            item=item,
            text=f"text {stars} {corrected}",
            stars=stars,
            corrected_label=corrected,
        )
    train_rows, val_rows = training.site_examples()
    labelled = dict(train_rows + val_rows)
    assert labelled == {"text 5 ": 1, "text 1 ": 0, "text 3 positive": 1, "text 5 negative": 0}
    assert all(training.in_validation(pk) == training.in_validation(pk) for pk in range(50))
    assert 0 < sum(training.in_validation(pk) for pk in range(1000)) < 400
