"""API fixtures: the page tests' review writer and a stand-in sentiment engine."""

from __future__ import annotations

import pytest

from sentirec.engine import Engine
from sentirec.sentiment.predictor import Prediction
from tests.site.conftest import write_review  # noqa: F401  (the same fixture for the API)


class FakePredictor:
    """Positive when the text says "great", negative otherwise; records every call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def predict(self, texts: list[str]) -> list[Prediction]:
        self.calls.append(list(texts))
        return [
            Prediction("positive", 0.9, 0.95, [("great", 0.7)])
            if "great" in text
            else Prediction("negative", -0.6, 0.8, [("awful", 0.5)])
            for text in texts
        ]


@pytest.fixture
def fake_engine(monkeypatch) -> FakePredictor:
    predictor = FakePredictor()
    engine = Engine("fake-1", predictor, None)
    monkeypatch.setattr("sentirec.engine.active_engine", lambda: engine)
    return predictor
