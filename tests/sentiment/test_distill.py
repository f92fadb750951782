"""Distillation: transfer set, augmentation, teacher probabilities, soft-label files, CLI."""

import json

import numpy as np
import pytest

from sentirec.sentiment.bundle import load_bundle
from sentirec.sentiment.cli import main
from sentirec.sentiment.distill import (
    Augmenter,
    glove_neighbours,
    load_soft_labels,
    save_soft_labels,
    sentences,
    teacher_probs,
    transfer_set,
)
from sentirec.sentiment.embeddings import WordVectors
from sentirec.sentiment.evaluation import evaluate
from sentirec.sentiment.predictor import Predictor
from sentirec.sentiment.text import tokenize

NEIGHBOURS = {"great": ["good", "fine"], "film": ["movie"], "dull": ["boring"]}


def test_sentences_of_a_review():
    review = "Great blender. It broke after a week!  Would not buy again? ok."
    assert sentences(review) == ["It broke after a week!", "Would not buy again?"]
    assert sentences(review, min_words=1)[0] == "Great blender."


def test_augmenter_masks_swaps_and_samples_ngrams_reproducibly():
    text = "a great film , never dull and always great"
    words = tokenize(text)
    masked = Augmenter(NEIGHBOURS, p_mask=1.0, p_swap=0.0, p_ngram=0.0)(
        text, np.random.default_rng(0)
    )
    assert tokenize(masked) == ["[mask]"] * len(words)
    swapped = Augmenter(NEIGHBOURS, p_mask=0.0, p_swap=1.0, p_ngram=0.0)(
        text, np.random.default_rng(0)
    ).split()
    assert swapped[1] in NEIGHBOURS["great"] and swapped[2] == "movie" and swapped[5] == "boring"
    assert swapped[0] == "a"  # no neighbours: kept
    sampled = Augmenter(NEIGHBOURS, p_mask=0.0, p_swap=0.0, p_ngram=1.0)
    for seed in range(20):
        out = sampled(text, np.random.default_rng(seed))
        assert 1 <= len(out.split()) <= 5 and out in " ".join(words)
    mixed = Augmenter(NEIGHBOURS)
    assert mixed(text, np.random.default_rng(3)) == mixed(text, np.random.default_rng(3))


def test_transfer_set_holds_texts_review_sentences_and_copies_minus_excluded():
    texts = ["a great film", "a dull , dull movie that never ends", "the end"]
    reviews = ["Loved it. The battery lasts forever and charges fast!"]
    aug = Augmenter(NEIGHBOURS, p_mask=0.5, p_swap=0.0, p_ngram=0.0)
    out = transfer_set(texts, reviews, aug, copies=3, seed=0, exclude=["THE END"])
    assert "the end" not in out and "a great film" in out
    assert reviews[0] in out and "The battery lasts forever and charges fast!" in out
    assert any("[MASK]" in t for t in out)
    assert len(out) == len({" ".join(t.lower().split()) for t in out})  # distinct
    assert out == transfer_set(texts, reviews, aug, copies=3, seed=0, exclude=["THE END"])


def test_glove_neighbours_are_the_nearest_other_words():
    words = ["good", "great", "bad", "awful", "table"]
    matrix = np.array([[1, 0.1], [1, 0.2], [-1, 0.1], [-1, 0.2], [0, 1]], dtype=np.float32)
    near = glove_neighbours(["good", "awful", "missing"], WordVectors(words, matrix), k=1)
    assert near == {"good": ["great"], "awful": ["bad"]}


def test_soft_labels_round_trip_with_fixed_bytes(tmp_path):
    path, again = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    save_soft_labels(path, ["good\tfilm", "bad\nmovie"], [0.91234, 0.1], teacher="x")
    save_soft_labels(again, ["good\tfilm", "bad\nmovie"], [0.91234, 0.1], teacher="x")
    assert path.read_bytes() == again.read_bytes()
    texts, probs, meta = load_soft_labels(path)
    assert texts == ["good film", "bad movie"] and probs == [0.9123, 0.1]
    assert meta == {"teacher": "x"}
    (tmp_path / "bad.tsv").write_text("nope")
    with pytest.raises(ValueError, match=r"cannot read soft labels|not a soft-label file"):
        load_soft_labels(tmp_path / "bad.tsv")


def test_teacher_probs_match_the_predictor_and_resume_from_shards(trained, heldout, tmp_path):
    texts = heldout[0][:50]
    probs = teacher_probs(trained.bundle, texts, shard_dir=tmp_path)
    scores = [p.score for p in Predictor(trained.bundle).predict(texts)]
    np.testing.assert_allclose(probs, [(s + 1) / 2 for s in scores], atol=1e-4)
    (shard,) = tmp_path.iterdir()
    np.save(shard, np.full(50, 0.25, dtype=np.float32))  # a resumed run reads the shard
    assert teacher_probs(trained.bundle, texts, shard_dir=tmp_path) == [0.25] * 50


def test_cli_label_then_train_a_student_on_the_soft_labels(bundle_file, corpus, heldout, tmp_path):
    unlabelled = tmp_path / "texts.csv"
    unlabelled.write_text("text,label\n" + "".join(f'"{t}",0\n' for t in corpus[0]))
    soft = tmp_path / "soft.tsv.gz"
    assert main(["label", "--teacher", str(bundle_file), "--data", f"csv:{unlabelled}",
                 "--out", str(soft)]) == 0  # fmt: skip
    texts, _, meta = load_soft_labels(soft)
    assert len(texts) == len(corpus[0]) and meta["teacher"] == load_bundle(bundle_file).version
    student = tmp_path / "student.bundle"
    args = ["train", "--arch", "mlp", "--soft-labels", str(soft), "--out", str(student)]
    args += ["--embeddings", "random", "--lr", "5e-3", "--epochs", "6", "--quiet"]
    assert main(args) == 0
    assert evaluate(load_bundle(student), *heldout)["accuracy"] >= 0.85
    # --teacher labels --data on the fly: gold labels all 0, teacher weight 1 -> still learns
    args = ["train", "--arch", "mlp", "--data", f"csv:{unlabelled}", "--teacher", str(bundle_file)]
    args += ["--out", str(student), "--embeddings", "random", "--lr", "5e-3", "--quiet"]
    assert main([*args, "--epochs", "6"]) == 0
    assert evaluate(load_bundle(student), *heldout)["accuracy"] >= 0.85


def test_cli_train_without_any_data_is_an_error(tmp_path, capsys):
    assert main(["train", "--arch", "mlp", "--out", str(tmp_path / "m.bundle")]) == 2
    assert "needs --data" in capsys.readouterr().err
    report = capsys.readouterr().out
    assert not report or json.loads(report)
