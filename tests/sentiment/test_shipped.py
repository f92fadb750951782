"""The default bundle shipped in sentirec/data/ loads alone and behaves sensibly."""

import pytest

from sentirec.sentiment.bundle import default_bundle_path, load_bundle
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
