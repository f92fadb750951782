"""Retraining: the quality gate, the fixed validation set and the lock."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from sentirec.models import SentimentModel
from sentirec.sentiment.bundle import load_bundle
from sentirec.sentiment.evaluation import evaluate
from sentirec.services import training
from tests.conftest import serving, toy_corpus
from tests.processes import run_python

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


@pytest.fixture
def weak_model(db, media_root):
    """An active model barely trained: a good candidate must beat it on the gate half."""
    from sentirec.sentiment.training import TrainConfig, train

    texts, labels = toy_corpus(200, seed=5)
    config = TrainConfig(arch="mlp", embeddings=None, epochs=1, lr=1e-6, seed=1, patience=1)
    yield from serving(train(texts, labels, config, progress=False).bundle)


@pytest.mark.slow
def test_good_candidate_is_promoted_on_the_half_it_was_not_stopped_on(
    weak_model, retrain_data, django_capture_on_commit_callbacks
):
    # A stored figure no candidate can beat: the gate must measure the active model on
    # the validation set, not trust what its registry row says.
    SentimentModel.objects.filter(pk=weak_model.pk).update(metrics={"accuracy": 2.0})
    with django_capture_on_commit_callbacks(execute=True):
        report = training.retrain(options={"seed": 3})
    _, gate = training.split_validation(list(zip(*toy_corpus(100, seed=9), strict=True)))
    texts, labels = [t for t, _ in gate], [y for _, y in gate]
    measured = evaluate(load_bundle(weak_model.file.open("rb").read()), texts, labels)
    assert report.active_accuracy == measured["accuracy"]
    assert report.model.metrics["active_accuracy_on_validation"] == measured["accuracy"]
    assert report.model.metrics["gate_examples"] == len(gate) == measured["n"]
    assert report.candidate_accuracy > report.active_accuracy and report.promoted
    assert SentimentModel.objects.get(is_active=True) == report.model


@pytest.mark.slow
def test_a_tie_keeps_the_active_model(weak_model, retrain_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = training.retrain(options={"seed": 3})
    assert first.promoted
    # the same data, settings and seed train the same model: equal on the gate half
    second = training.retrain(options={"seed": 3})
    assert second.candidate_accuracy == second.active_accuracy and not second.promoted
    assert "<=" in second.reason
    assert SentimentModel.objects.get(is_active=True) == first.model


def test_validation_is_cut_into_a_selection_and_a_gate_half():
    rows = [(f"review number {i} was fine", i % 2) for i in range(200)]
    rows += [("number 7 was", 1)]  # a phrase of a row: it follows that row
    selection, gate = training.split_validation(rows)
    assert (selection, gate) == training.split_validation(rows)
    assert 60 < len(gate) < 140 and not {t for t, _ in selection} & {t for t, _ in gate}
    phrase_side = ("number 7 was", 1) in gate
    assert phrase_side == (("review number 7 was fine", 1) in gate)
    with pytest.raises(training.RetrainError, match="too small"):
        training.split_validation([("only one", 1)])


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
    held_out = {r.text for r in Review.objects.all() if training.in_validation(r.pk)}
    assert {text for text, _ in val_rows} == held_out & set(labelled)


def test_validation_membership_is_the_same_in_every_process():
    """A review never changes side: another process (another hash seed, as a worker or a
    later retrain would have) puts the same reviews in the validation set."""
    here = [pk for pk in range(2000) if training.in_validation(pk)]
    code = (
        "import django; django.setup(); "
        "from sentirec.services.training import in_validation; "
        "print([pk for pk in range(2000) if in_validation(pk)])"
    )
    there = run_python(
        "-c", code, env={"PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "socialsite.settings"}
    ).stdout.strip()
    assert there == str(here)
    assert 0.05 < len(here) / 2000 < 0.4
