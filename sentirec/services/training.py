"""Retraining: base data plus the site's own reviews, a fixed validation set, a quality gate.

The validation set is cut in two halves (:func:`split_validation`): training early-stops
and calibrates on the *selection* half, and the gate compares the candidate with the
active model on the other, *gate* half, so a candidate is never judged on the data that
chose its epoch. It must beat the active model there by ``PROMOTION_MIN_ACCURACY_GAIN``;
a tie keeps the active model.

Every retrain is a :class:`~sentirec.models.RetrainJob` row, so none can fail unseen:
``retrain_jobs.request_retrain`` records it (queued) and hands it to a worker (the admin's
button and the staff API call it); :func:`run_retrain_job` runs it there (the ``sentirec.retrain``
task, which the beat schedule also sends, and ``manage.py sentirec_train`` in-process),
recording its progress and its outcome: the model it registered and the gate's figures,
a skip (too little data, another retrain running) or the error that failed it.
:func:`retrain` is the training itself. A lock in the cache (Redis in production) stops
two retrains from running at once.
"""

from __future__ import annotations

import hashlib
import logging
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from sentirec import engine
from sentirec.conf import settings
from sentirec.models import (
    RetrainJob,
    RetrainStatus,
    RetrainTrigger,
    Review,
    SentimentLabel,
    SentimentModel,
)
from sentirec.sentiment.datasets import load_spec
from sentirec.sentiment.evaluation import evaluate
from sentirec.sentiment.splits import group_split
from sentirec.sentiment.training import TrainConfig, train
from sentirec.services.registry import activate, register
from sentirec.services.retrain_jobs import finish

logger = logging.getLogger(__name__)

LOCK_KEY = "sentirec:retrain-lock"
#: A crashed retrain's lock expires after this many seconds.
LOCK_SECONDS = 6 * 3600
#: One review in VALIDATION_MODULUS (by a hash of its id) is validation data, forever.
VALIDATION_MODULUS = 5
LABELS = {SentimentLabel.NEGATIVE: 0, SentimentLabel.POSITIVE: 1}
#: Seed of the selection/gate cut of the validation set (fixed: rows never change half).
GATE_SEED = 0


class RetrainError(RuntimeError):
    """Retraining cannot start (another one runs, or there is nothing to learn from)."""


@dataclass
class RetrainReport:
    model: SentimentModel
    promoted: bool
    candidate_accuracy: float
    active_accuracy: float
    required_gain: float
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


@contextmanager
def retrain_lock() -> Iterator[None]:
    """Held while a retrain runs; a second one is refused (its job is skipped, saying so)."""
    if not cache.add(LOCK_KEY, time.time(), LOCK_SECONDS):
        raise RetrainError("A retrain is already running; this one was not started.")
    try:
        yield
    finally:
        cache.delete(LOCK_KEY)


def split_validation(
    validation: list[tuple[str, int]],
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(selection, gate) halves of the validation rows, by a seeded hash of the text (a
    phrase stays with the text it is part of, duplicates together); RetrainError when
    either half would be empty."""
    selection, gate = group_split([t for t, _ in validation], 0.5, GATE_SEED)
    if not selection or not gate:
        raise RetrainError(
            f"The validation set ({len(validation)} examples) is too small to cut into a "
            "half that stops training and a half that judges the candidate; "
            "configure SENTIREC['RETRAIN_VALIDATION_DATA'] or collect more reviews."
        )
    return [validation[i] for i in selection], [validation[i] for i in gate]


def retrain(
    *,
    arch: str | None = None,
    options: dict | None = None,
    progress: bool = False,
    job: RetrainJob | None = None,
) -> RetrainReport:
    """Train a candidate, register it, and promote it if it is more accurate than the
    active model, by at least ``PROMOTION_MIN_ACCURACY_GAIN``, on the gate half of the
    fixed validation set (training early-stops on the other half).
    ``job``: the row to report the stage and the epochs to."""
    with retrain_lock():
        return _retrain(arch, options or {}, progress, job)


def _stage(job: RetrainJob | None, stage: str, **fields) -> None:
    """Report progress on the job; never the reason a retrain fails. A connection the
    database dropped while the model trained (a restart) is reopened once."""
    if job is None:
        return
    for attempt in (1, 2):
        try:
            RetrainJob.objects.filter(pk=job.pk).update(stage=stage, **fields)
            return
        except DatabaseError as exc:
            if attempt == 2 or connection.in_atomic_block:
                logger.warning("Retrain job %s: progress not recorded: %s", job.pk, exc)
                return
            connection.close()  # the next query connects afresh


def _retrain(
    arch: str | None, options: dict, progress: bool, job: RetrainJob | None
) -> RetrainReport:
    _stage(job, "reading the training data")
    train_rows, validation, summary = training_data()
    _require_both_labels(train_rows, validation)
    chosen_arch = arch or options.get("arch") or settings.RETRAIN_ARCH
    config = TrainConfig(**{**settings.RETRAIN_OPTIONS, **options, "arch": chosen_arch})
    selection, gate = split_validation(validation)
    sel_texts, sel_labels = [t for t, _ in selection], [y for _, y in selection]
    gate_texts, gate_labels = [t for t, _ in gate], [y for _, y in gate]
    # The baseline is what the workers serve now (the active model, or the last good or
    # shipped one when it cannot load), measured before training so a problem shows early.
    _stage(job, f"measuring the active model on {len(gate)} validation examples")
    baseline = evaluate(engine.active_engine().predictor, gate_texts, gate_labels)
    _stage(job, f"training on {len(train_rows)} examples", epoch=0, epochs=config.epochs)
    result = train(
        [t for t, _ in train_rows],
        [y for _, y in train_rows],
        config,
        val_texts=sel_texts,
        val_labels=sel_labels,
        progress=progress,
        on_epoch=lambda row, epochs: _stage(
            job, f"training: epoch {row['epoch']} of {epochs}", epoch=row["epoch"]
        ),
    )
    if not connection.in_atomic_block:
        # Training takes minutes with the connection idle; if the database restarted
        # meanwhile, reconnect (CONN_HEALTH_CHECKS) rather than lose the trained model.
        close_old_connections()
    _stage(job, "evaluating the candidate")
    candidate = evaluate(result.bundle, gate_texts, gate_labels)
    metrics = {
        **candidate,
        "history": result.history,
        "training_seconds": round(result.seconds, 1),
        "active_accuracy_on_validation": baseline["accuracy"],
        "selection_examples": len(selection),
        "gate_examples": len(gate),
    }
    _stage(job, "registering the candidate")
    model = register(result.bundle, metrics, summary)
    gain = settings.PROMOTION_MIN_ACCURACY_GAIN
    promoted, reason = _gate(candidate["accuracy"], baseline["accuracy"], gain, len(gate))
    if promoted:
        activate(model)
    logger.info("Retrained %s: %s", model.version, reason)
    return RetrainReport(model, promoted, candidate["accuracy"], baseline["accuracy"], gain, reason)


def _require_both_labels(
    train_rows: list[tuple[str, int]], validation: list[tuple[str, int]]
) -> None:
    """RetrainError unless training and validation rows each hold both labels."""
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


def _gate(candidate: float, active: float, gain: float, examples: int) -> tuple[bool, str]:
    """Whether the candidate's accuracy beats the active model's by more than ``gain`` (a
    tie keeps the active model), and the sentence that says so."""
    promoted = candidate > active + gain
    comparison = (
        f"accuracy on the {examples} gate examples {candidate:.4f} "
        f"{'>' if promoted else '<='} the active model's {active:.4f}"
        + (f" + the required gain {gain}" if gain else "")
    )
    return promoted, f"{'Promoted' if promoted else 'Not promoted'}: {comparison}."


def _abandon_orphans(job: RetrainJob) -> None:
    """With the lock just taken, no other job can be running: any marked so lost its worker."""
    RetrainJob.objects.filter(status=RetrainStatus.RUNNING).exclude(pk=job.pk).update(
        status=RetrainStatus.FAILED,
        finished=timezone.now(),
        stage="",
        reason="The process running this retrain stopped before it finished (a worker "
        "restart or crash); nothing was registered.",
    )


def run_retrain_job(job_id: int | None = None, *, progress: bool = False) -> RetrainJob:
    """Run a queued job (``None``: a new one for the schedule) and record how it ended.

    Never raises for a retrain's own problems: too little data or another retrain running
    make it ``skipped``, any other error ``failed`` with the error and its traceback; a job
    that is not queued (a message delivered twice) is left alone."""
    if job_id is None:
        job = RetrainJob.objects.create(trigger=RetrainTrigger.SCHEDULE)
    else:
        job = RetrainJob.objects.filter(pk=job_id).first()
        if job is None or job.status != RetrainStatus.QUEUED:
            return job
    request = job.request or {}
    try:
        with retrain_lock():
            _abandon_orphans(job)
            RetrainJob.objects.filter(pk=job.pk).update(
                status=RetrainStatus.RUNNING, started=timezone.now()
            )
            report = _retrain(request.get("arch"), request.get("options") or {}, progress, job)
    except RetrainError as exc:
        logger.info("Retrain job %s skipped: %s", job.pk, exc)
        finish(job.pk, RetrainStatus.SKIPPED, reason=str(exc))
    except Exception as exc:  # recorded on the job: a retrain never fails unseen
        logger.exception("Retrain job %s failed", job.pk)
        finish(
            job.pk,
            RetrainStatus.FAILED,
            reason=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(limit=-8),
        )
    else:
        finish(
            job.pk,
            RetrainStatus.SUCCEEDED,
            model=report.model,
            promoted=report.promoted,
            candidate_accuracy=report.candidate_accuracy,
            active_accuracy=report.active_accuracy,
            required_gain=report.required_gain,
            reason=report.reason,
        )
    job.refresh_from_db()
    return job
