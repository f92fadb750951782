"""Sentiment predictions on demand, for the API's predict endpoint.

The web process never runs the model: :func:`start` saves a pending
:class:`~sentirec.models.PredictionJob` and enqueues the ``predict_sentiment`` task with
its id; the worker runs :func:`run_job`, which writes the result onto that row. The job
lives in the database, the one thing every web process and worker share (a host's cache
may be per process: Django's default is). The API waits a moment for the result and
otherwise hands the client a URL to poll. With no broker (the embedded default) the task
runs in-process, so the result is there at once. Jobs are purged after ``JOB_SECONDS``.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from django.utils import timezone

from sentirec.conf import settings
from sentirec.models import PredictionJob, PredictionStatus
from sentirec.queueing import PREDICT_SENTIMENT, enqueue

logger = logging.getLogger(__name__)

#: How long a job's result stays readable.
JOB_SECONDS = 600
PENDING, DONE, FAILED = PredictionStatus.PENDING, PredictionStatus.DONE, PredictionStatus.FAILED


def _live():
    return PredictionJob.objects.filter(created__gt=timezone.now() - timedelta(seconds=JOB_SECONDS))


def get(job_id: str) -> PredictionJob | None:
    """The job, or None when the id is unknown, malformed or its result has expired."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return _live().filter(pk=key).first()


def start(texts: list[str], owner_id) -> PredictionJob:
    """Save a pending job and enqueue it; a broker that is down fails the job at once."""
    job = PredictionJob.objects.create(owner_id=owner_id, texts=list(texts))
    if not enqueue(PREDICT_SENTIMENT, [str(job.pk)], queue=settings.GPU_QUEUE):
        _finish(job.pk, FAILED, error="The sentiment workers are unreachable.")
    job.refresh_from_db()  # eager mode: the task has already answered
    return job


def wait(job: PredictionJob, seconds: float, interval: float = 0.05) -> PredictionJob:
    """The job once it is finished, or as it stands after ``seconds``."""
    deadline = time.monotonic() + seconds
    while job.status == PENDING and time.monotonic() < deadline:
        time.sleep(interval)
        job = get(job.pk) or job
    return job


def _finish(job_id, status: str, results: list | None = None, error: str = "") -> None:
    PredictionJob.objects.filter(pk=job_id, status=PENDING).update(
        status=status, results=results or [], error=error[:200]
    )


def run_job(job_id: str) -> str:
    """Predict the job's texts with the active model and store the result (in the worker).

    Idempotent: a finished, expired or purged job is left as it is."""
    from sentirec import engine  # torch: only processes that predict pay for it

    job = _live().filter(pk=job_id, status=PENDING).only("texts").first()
    if job is None:
        return "gone"
    limit = settings.HIGHLIGHT_WORDS
    try:
        predictions = engine.active_engine().predictor.predict(job.texts)
    except Exception as exc:  # report it to the client rather than leave the job pending
        logger.exception("Prediction job %s failed", job_id)
        _finish(job_id, FAILED, error=f"The sentiment model failed ({type(exc).__name__}).")
        return FAILED
    results = [
        {
            "label": p.label,
            "score": p.score,
            "confidence": p.confidence,
            "highlights": [{"word": w, "weight": x} for w, x in p.highlights[:limit]],
        }
        for p in predictions
    ]
    _finish(job_id, DONE, results)
    return DONE


def purge_expired_jobs() -> int:
    """Delete jobs older than ``JOB_SECONDS`` (Celery beat runs this every few minutes)."""
    cutoff = timezone.now() - timedelta(seconds=JOB_SECONDS)
    return PredictionJob.objects.filter(created__lte=cutoff).delete()[0]
