"""The default bundle shipped in sentirec/data/ loads alone and behaves sensibly."""

import re
from pathlib import Path

import pytest

from sentirec.sentiment.bundle import default_bundle_path, load_bundle
from sentirec.sentiment.corpora import load_corpora
from sentirec.sentiment.evaluation import evaluate
from sentirec.sentiment.predictor import Predictor


@pytest.fixture(scope="module")
def shipped():
    return Predictor(load_bundle(default_bundle_path()))


def test_shipped_bundle_is_small_and_self_describing():
    path = default_bundle_path()
    assert path.stat().st_size <= 10 * 2**20
    bundle = load_bundle(path)
    assert bundle.metrics["accuracy_sst2_sentences"] > 0.8
    assert bundle.metrics["accuracy_blitzer"] > 0.8
    assert len(bundle.data_hash) == 64 and bundle.temperature > 0


def test_shipped_model_reads_sentiment(shipped):
    texts = [
        "An absolute joy from start to finish, I loved every minute.",
        "A tedious, badly acted mess. I want my money back.",
        "The blender broke after two days and customer service never answered.",
        "Works great, the battery lasts forever. Highly recommended!",
        "This is not a good product.",
    ]
    assert [p.label for p in shipped.predict(texts)] == [
        "positive",
        "negative",
        "negative",
        "positive",
        "negative",
    ]


def test_shipped_model_edge_cases(shipped):
    odd = ["", "   ", "🙂", "これは映画です", "x" * 1_000_000, "great " * 50_000]
    predictions = shipped.predict(odd)
    assert [p.label for p in predictions[:2]] == ["neutral", "neutral"]
    assert predictions[2].label == "positive"
    assert all(-1 <= p.score <= 1 and 0 <= p.confidence <= 1 for p in predictions)
    assert predictions[-1].label == "positive"


DOCS_ROWS = {  # the row of docs/sentiment.md's validation table -> the split it names
    "SST-2, 1,000 held-out whole sentences": "sst2_val",
    "Blitzer, held-out 20 % of reviews": "blitzer_val",
    "UCI sentences (Amazon, IMDb, Yelp)": "uci",
}


def _documented_figures() -> dict[str, tuple[int, float]]:
    """(n, accuracy) per split from the table under "What it scores" in docs/sentiment.md."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "sentiment.md").read_text()
    found = {}
    for prefix, split in DOCS_ROWS.items():
        match = re.search(
            rf"^\| {re.escape(prefix)}[^|]*\| ([\d,]+) \| (0\.\d+) \|$", docs, re.MULTILINE
        )
        assert match, f"docs/sentiment.md has no row starting {prefix!r}"
        found[split] = (int(match.group(1).replace(",", "")), float(match.group(2)))
    return found


@pytest.mark.slow
def test_shipped_bundle_rescored_gives_the_documented_figures(shipped, shared_data):
    """Re-scores the shipped model instead of trusting the accuracies stored in it."""
    corpora = load_corpora(shared_data)
    for split, (n, accuracy) in _documented_figures().items():
        result = evaluate(shipped, *getattr(corpora, split))
        assert result["n"] == n, split
        assert round(result["accuracy"], 3) == accuracy, (split, result["accuracy"])
