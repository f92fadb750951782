"""Sentiment predictions on demand, for the API's predict endpoint.

The web process never runs the model: :func:`start` records a pending job in the cache,
enqueues the ``predict_sentiment`` task and returns; the worker runs :func:`run_job`,
which writes the result back into the cache under the job's random id. The API waits a
moment for it and otherwise hands the client a URL to poll. With no broker (the embedded
default) the task runs in-process, so the result is there at once.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import asdict, dataclass, field

from django.core.cache import cache

from sentirec.conf import settings
from sentirec.queueing import enqueue

logger = logging.getLogger(__name__)

#: How long a job's result stays readable.
JOB_SECONDS = 600
PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass
class Job:
    id: str
    owner_id: int
    status: str = PENDING
    results: list[dict] = field(default_factory=list)
    error: str = ""


def _key(job_id: str) -> str:
    return f"sentirec:predict:{job_id}"


def _store(job: Job) -> Job:
    cache.set(_key(job.id), asdict(job), JOB_SECONDS)
    return job


def get(job_id: str) -> Job | None:
    """The job, or None when the id is unknown or its result has expired."""
    data = cache.get(_key(job_id))
    return Job(**data) if data else None


def start(texts: list[str], owner_id: int) -> Job:
    """Record a pending job and enqueue it; a broker that is down fails the job at once."""
    from sentirec import tasks

    job = _store(Job(uuid.uuid4().hex, owner_id))
    if not enqueue(tasks.predict_sentiment, [job.id, owner_id, texts], queue=settings.GPU_QUEUE):
        return _store(Job(job.id, owner_id, FAILED, error="The sentiment workers are unreachable."))
    return get(job.id) or job


def wait(job: Job, seconds: float, interval: float = 0.05) -> Job:
    """The job once it is finished, or as it stands after ``seconds``."""
    deadline = time.monotonic() + seconds
    while job.status == PENDING and time.monotonic() < deadline:
        time.sleep(interval)
        job = get(job.id) or job
    return job


def run_job(job_id: str, owner_id: int, texts: list[str]) -> str:
    """Predict ``texts`` with the active model and store the result (in the worker)."""
    from sentirec import engine  # torch: only processes that predict pay for it

    limit = settings.HIGHLIGHT_WORDS
    try:
        predictions = engine.active_engine().predictor.predict(texts)
    except Exception as exc:  # report it to the client rather than leave the job pending
        logger.exception("Prediction job %s failed", job_id)
        job = Job(
            job_id, owner_id, FAILED, error=f"The sentiment model failed ({type(exc).__name__})."
        )
    else:
        results = [
            {
                "label": p.label,
                "score": p.score,
                "confidence": p.confidence,
                "highlights": [{"word": w, "weight": x} for w, x in p.highlights[:limit]],
            }
            for p in predictions
        ]
        job = Job(job_id, owner_id, DONE, results)
    return _store(job).status
