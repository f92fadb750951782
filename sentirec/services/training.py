"""Retraining: base data plus the site's own reviews, a fixed validation set, a quality gate.

``retrain`` is the one way to retrain: the admin action and the beat schedule (through
the ``sentirec.retrain`` task) and the management command all call it; the API has no
retrain endpoint. A lock in the cache (Redis in production) stops two retrains from
running at once.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import close_old_connections, connection

from sentirec import engine
from sentirec.conf import settings
from sentirec.models import Review, SentimentLabel, SentimentModel
from sentirec.sentiment.datasets import load_spec
from sentirec.sentiment.evaluation import evaluate
from sentirec.sentiment.training import TrainConfig, train
from sentirec.services.registry import activate, register

logger = logging.getLogger(__name__)

LOCK_KEY = "sentirec:retrain-lock"
#: A crashed retrain's lock expires after this many seconds.
LOCK_SECONDS = 6 * 3600
#: One review in VALIDATION_MODULUS (by a hash of its id) is validation data, forever.
VALIDATION_MODULUS = 5
LABELS = {SentimentLabel.NEGATIVE: 0, SentimentLabel.POSITIVE: 1}


class RetrainError(RuntimeError):
    """Retraining cannot start (another one runs, or there is nothing to learn from)."""


@dataclass
class RetrainReport:
    model: SentimentModel
    promoted: bool
    candidate_accuracy: float
    active_accuracy: float
    reason: str


def in_validation(review_id: int) -> bool:
    """Stable membership of the site's validation set: a review never changes side."""
    digest = hashlib.sha256(f"sentirec-validation-{review_id}".encode()).digest()
    return digest[0] % VALIDATION_MODULUS == 0


def star_label(stars: Decimal | None) -> int | None:
    """1-2 stars negative, 4-5 positive; 3 (and anything between) says nothing."""
    if stars is None:
        return None
    if stars <= 2:
        return 0
    if stars >= 4:
        return 1
    return None


def site_examples() -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(train, validation) examples from the site's reviews: a moderator's corrected label
    wins; otherwise the stars decide."""
    train_rows, val_rows = [], []
    rows = Review.objects.values_list("pk", "text", "stars", "corrected_label")
    for pk, text, stars, corrected in rows.iterator(chunk_size=5000):
        label = LABELS.get(corrected, star_label(stars))
        if label is not None:
            (val_rows if in_validation(pk) else train_rows).append((text, label))
    return train_rows, val_rows


def _load_specs(specs: list[str]) -> list[tuple[str, int]]:
    rows = []
    for spec in specs:
        rows += [(example.text, example.label) for example in load_spec(spec)]
    return rows


def training_data() -> tuple[list[tuple[str, int]], list[tuple[str, int]], dict]:
    """Training rows, the fixed validation rows, and a summary for the registry."""
    site_train, site_val = site_examples()
    base = _load_specs(settings.RETRAIN_BASE_DATA)
    validation = _load_specs(settings.RETRAIN_VALIDATION_DATA) or site_val
    train_rows = base + site_train
    summary = {
        "base_data": list(settings.RETRAIN_BASE_DATA),
        "base_examples": len(base),
        "site_examples": len(site_train),
        "validation": list(settings.RETRAIN_VALIDATION_DATA) or "site reviews (hash split)",
        "validation_examples": len(validation),
        "labels": dict(Counter(label for _, label in train_rows)),
    }
    return train_rows, validation, summary


def retrain(*, arch: str | None = None, options: dict | None = None, progress: bool = False):
    """Train a candidate, register it, and promote it if it is at least as accurate as the
    active model on the fixed validation set (plus ``PROMOTION_MIN_ACCURACY_GAIN``)."""
    if not cache.add(LOCK_KEY, time.time(), LOCK_SECONDS):
        raise RetrainError("A retrain is already running; try again when it has finished.")
    try:
        return _retrain(arch, options or {}, progress)
    finally:
        cache.delete(LOCK_KEY)


def _retrain(arch: str | None, options: dict, progress: bool) -> RetrainReport:
    train_rows, validation, summary = training_data()
    if len({label for _, label in train_rows}) < 2:
        raise RetrainError(
            "Not enough labelled data: retraining needs positive and negative examples "
            "(configure SENTIREC['RETRAIN_BASE_DATA'] or collect reviews with stars)."
        )
    if len({label for _, label in validation}) < 2:
        raise RetrainError(
            "The validation set needs positive and negative examples "
            "(configure SENTIREC['RETRAIN_VALIDATION_DATA'] or collect more reviews)."
        )
    chosen_arch = arch or options.get("arch") or settings.RETRAIN_ARCH
    config = TrainConfig(**{**settings.RETRAIN_OPTIONS, **options, "arch": chosen_arch})
    val_texts, val_labels = [t for t, _ in validation], [y for _, y in validation]
    # The baseline is what the workers serve now (the active model, or the last good or
    # shipped one when it cannot load), measured before training so a problem shows early.
    baseline = evaluate(engine.active_engine().predictor, val_texts, val_labels)
    result = train(
        [t for t, _ in train_rows],
        [y for _, y in train_rows],
        config,
        val_texts=val_texts,
        val_labels=val_labels,
        progress=progress,
    )
    if not connection.in_atomic_block:
        # Training takes minutes with the connection idle; if the database restarted
        # meanwhile, reconnect (CONN_HEALTH_CHECKS) rather than lose the trained model.
        close_old_connections()
    candidate = evaluate(result.bundle, val_texts, val_labels)
    metrics = {
        **candidate,
        "history": result.history,
        "training_seconds": round(result.seconds, 1),
        "active_accuracy_on_validation": baseline["accuracy"],
    }
    model = register(result.bundle, metrics, summary)
    gain = settings.PROMOTION_MIN_ACCURACY_GAIN
    promoted = candidate["accuracy"] >= baseline["accuracy"] + gain
    comparison = f"{candidate['accuracy']:.4f} vs active {baseline['accuracy']:.4f} + {gain}"
    if promoted:
        activate(model)
    reason = f"{'promoted' if promoted else 'not promoted'}: {comparison}"
    logger.info("Retrained %s: %s", model.version, reason)
    return RetrainReport(model, promoted, candidate["accuracy"], baseline["accuracy"], reason)
