"""Score a model on labelled texts: quality, calibration, speed and memory in one dict."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Sequence

import torch

from .bundle import Bundle
from .calibration import expected_calibration_error
from .metrics import classification_metrics
from .predictor import Predictor


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)


def evaluate(
    predictor_or_bundle: Predictor | Bundle, texts: Sequence[str], labels: Sequence[int]
) -> dict:
    """Accuracy, macro-F1, confusion, calibration error and reviews/s of a predictor.

    A "neutral" prediction (no known token) has score 0 and counts as positive, so every
    example gets a binary decision and ``n`` always equals ``len(texts)``.
    """
    predictor = (
        predictor_or_bundle
        if isinstance(predictor_or_bundle, Predictor)
        else Predictor(predictor_or_bundle)
    )
    texts, labels = list(texts), [int(y) for y in labels]
    predictor.predict(texts[:32])  # warm-up: first calls pay one-off kernel set-up
    started = time.perf_counter()
    predictions = predictor.predict(texts)
    seconds = time.perf_counter() - started
    y_pred = [int(p.score >= 0) for p in predictions]
    result = classification_metrics(labels, y_pred)
    confidence = torch.tensor([p.confidence for p in predictions])
    correct = torch.tensor([int(a == b) for a, b in zip(y_pred, labels, strict=True)])
    scored = confidence > 0
    result.update(
        {
            "n_neutral": int((~scored).sum()),
            "ece": round(expected_calibration_error(confidence[scored], correct[scored]), 4),
            "mean_confidence": round(float(confidence[scored].mean()), 4) if scored.any() else 0.0,
            "seconds": round(seconds, 3),
            "reviews_per_s": round(len(texts) / seconds, 1) if seconds > 0 else 0.0,
            "peak_rss_mb": peak_rss_mb(),
            "model_version": predictor.bundle.version,
        }
    )
    return result
