import pytest
import torch

from sentirec.sentiment.architectures import ARCHITECTURES
from sentirec.sentiment.bundle import load_bundle
from sentirec.sentiment.embeddings import embedding_matrix, load_glove_text
from sentirec.sentiment.evaluation import evaluate
from sentirec.sentiment.predictor import Predictor
from sentirec.sentiment.text import Vocabulary
from sentirec.sentiment.training import TrainConfig, combine, train

from .conftest import SHARED_DATA, fast_config


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_every_architecture_learns_the_cues(arch, corpus, heldout):
    result = train(*corpus, fast_config(arch), progress=False)
    scores = evaluate(result.bundle, *heldout)
    assert scores["accuracy"] >= 0.85, scores
    assert result.history and {"train_loss", "val_loss", "train_acc", "val_acc"} <= set(
        result.history[0]
    )


def test_same_seed_same_metrics_and_weights(corpus):
    texts, labels = corpus[0][:200], corpus[1][:200]
    a = train(texts, labels, fast_config("lstm", epochs=1), progress=False)
    b = train(texts, labels, fast_config("lstm", epochs=1), progress=False)
    c = train(texts, labels, fast_config("lstm", epochs=1, seed=1), progress=False)
    assert a.history[-1]["val_loss"] == b.history[-1]["val_loss"]
    assert a.bundle.version == b.bundle.version
    assert a.bundle.version != c.bundle.version


def test_default_split_is_60_40_and_explicit_validation_is_used(corpus, heldout):
    texts, labels = corpus
    default = train(texts, labels, fast_config("mlp", epochs=1), progress=False)
    assert 0.3 < default.metrics["n_val"] / len(texts) < 0.5
    fixed = train(texts, labels, fast_config("mlp", epochs=1), *heldout, progress=False)
    assert fixed.metrics["n_val"] == len(heldout[0])
    assert fixed.metrics["n_train"] == len(texts)


def test_library_defaults_match_the_paper_setup():
    config = TrainConfig()
    assert (config.lr, config.betas, config.val_fraction) == (1e-4, (0.9, 0.999), 0.4)


def test_learning_rate_decays_per_epoch(corpus):
    result = train(*corpus, fast_config("mlp", epochs=3, lr=1e-2, lr_decay=0.5), progress=False)
    assert [row["lr"] for row in result.history] == pytest.approx([1e-2, 5e-3, 2.5e-3])


def test_early_stopping_stops_before_max_epochs(corpus):
    result = train(*corpus, fast_config("mlp", epochs=50, patience=1, lr=5e-2), progress=False)
    assert len(result.history) < 50


def test_teacher_probabilities_change_the_model(corpus):
    texts, labels = corpus[0][:200], corpus[1][:200]
    plain = train(texts, labels, fast_config("mlp", epochs=1), progress=False)
    soft = train(
        texts,
        labels,
        fast_config("mlp", epochs=1, teacher_weight=1.0),
        progress=False,
        teacher_probs=[0.5] * len(texts),
    )
    assert plain.bundle.version != soft.bundle.version


def test_glove_text_file_initialises_known_words(tmp_path, corpus):
    path = tmp_path / "vectors.txt"
    path.write_text("good 1 0 0 0\nbad -1 0 0 0\nthe 0 1 0 0\n", encoding="utf-8")
    vectors = load_glove_text(path)
    vocab = Vocabulary(["good", "bad", "zzz"])
    matrix, found = embedding_matrix(vocab, vectors, 4, seed=0)
    assert found == 2
    assert matrix[vocab.stoi["good"]].tolist() == [1, 0, 0, 0]
    assert not matrix[0].any()  # padding row
    result = train(
        *corpus,
        fast_config("cnn", embeddings=str(path), embed_dim=4, epochs=1, freeze_embeddings=True),
        progress=False,
    )
    weight = result.bundle.state_dict["embedding.weight"].float()
    assert torch.allclose(weight[result.bundle.vocab.stoi["good"]], torch.tensor([1.0, 0, 0, 0]))


def test_unknown_arch_is_rejected_by_config():
    with pytest.raises(ValueError, match="unknown architecture"):
        TrainConfig(arch="bert")


def test_combine_makes_one_calibrated_ensemble_bundle(corpus, heldout):
    texts, labels = corpus
    results = [
        train(texts, labels, fast_config(arch, epochs=2), *heldout, progress=False)
        for arch in ("mlp", "cnn")
    ]
    bundle = combine(results, *heldout)
    assert bundle.arch == "ensemble"
    assert [m["arch"] for m in bundle.metrics["members"]] == ["mlp", "cnn"]
    assert bundle.metrics["val_accuracy"] >= 0.75
    loaded = load_bundle(bundle.to_bytes())
    (p,) = Predictor(loaded).predict(["superb and fun"])
    assert p.label == "positive" and p.highlights


def test_combine_rejects_different_vocabularies(corpus, heldout):
    a = train(*corpus, fast_config("mlp", epochs=1), *heldout, progress=False)
    b = train(*heldout, fast_config("mlp", epochs=1), *corpus, progress=False)
    with pytest.raises(ValueError, match="vocabulary"):
        combine([a, b], *heldout)


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared data not present")
@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_real_sst2_slice_with_glove_beats_chance(arch):
    from sentirec.sentiment.datasets import load

    data = load("sst2", SHARED_DATA / "sst2" / "train.tsv")
    texts, labels = data.texts[:4000], data.labels[:4000]
    config = fast_config(arch, embeddings="glove", embed_dim=50, epochs=3, lr=2e-3)
    result = train(texts, labels, config, progress=False)
    assert result.metrics["val_accuracy"] >= 0.68, result.metrics
