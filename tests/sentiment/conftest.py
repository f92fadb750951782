"""Shared fixtures: a synthetic corpus with clear word cues and a tiny trained bundle."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sentirec.sentiment.training import TrainConfig, train

POSITIVE = ["good", "great", "excellent", "love", "wonderful", "amazing", "superb", "fun"]
NEGATIVE = ["bad", "awful", "terrible", "hate", "boring", "worst", "dull", "poor"]
FILLER = [
    "the",
    "movie",
    "was",
    "film",
    "plot",
    "acting",
    "really",
    "quite",
    "it",
    "a",
    "story",
    "and",
    "this",
    "cast",
    "ending",
    "very",
    "of",
    "is",
]


def synthetic(n: int, seed: int) -> tuple[list[str], list[int]]:
    """Sentences of filler words with one or two cue words of the label's polarity."""
    rng = random.Random(seed)
    texts, labels = [], []
    for _ in range(n):
        label = rng.randint(0, 1)
        words = rng.choices(FILLER, k=rng.randint(4, 10))
        for _ in range(rng.randint(1, 2)):
            words.insert(rng.randint(0, len(words)), rng.choice(POSITIVE if label else NEGATIVE))
        texts.append(" ".join(words) + rng.choice([" .", " !", ""]))
        labels.append(label)
    return texts, labels


def fast_config(arch: str = "cnn", **overrides) -> TrainConfig:
    """Seconds on CPU: random embeddings, a few epochs, a high learning rate."""
    base = dict(
        arch=arch,
        embeddings=None,
        embed_dim=16,
        lr=5e-3,
        epochs=6,
        patience=6,
        batch_size=32,
        seed=0,
        hparams=SMALL_HPARAMS[arch],
    )
    base.update(overrides)
    return TrainConfig(**base)


SMALL_HPARAMS = {
    "mlp": {"hidden": 32},
    "cnn": {"filters": 16},
    "lstm": {"hidden": 16},
    "gru": {"hidden": 16},
    "seqcnn": {"hidden": 16, "filters": 16},
    "ngram": {"buckets": 1024},
    # a 1-layer, 64-wide random BERT: the real WordPiece, none of the base weights
    "minilm": {
        "layers": 1,
        "hidden": 64,
        "heads": 4,
        "inner": 128,
        "train_layers": 1,
        "pretrained": False,
    },
}


@pytest.fixture(scope="session")
def corpus() -> tuple[list[str], list[int]]:
    return synthetic(600, seed=1)


@pytest.fixture(scope="session")
def heldout() -> tuple[list[str], list[int]]:
    return synthetic(300, seed=2)


@pytest.fixture(scope="session")
def trained(corpus, heldout):
    """A small attention CNN trained once for the bundle/predictor/CLI tests."""
    texts, labels = corpus
    return train(texts, labels, fast_config("cnn"), heldout[0], heldout[1], progress=False)


@pytest.fixture(scope="session")
def bundle_file(trained, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bundle") / "model.bundle"
    trained.bundle.save(path)
    return path
