"""Retrain jobs on the web side: record a request and hand it to a worker (no torch here).

The job row is the whole story of a retrain: ``sentirec.services.training`` runs it on a
worker and writes its progress and outcome back; the admin and the API read it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sentirec.conf import settings
from sentirec.models import RetrainJob, RetrainStatus, RetrainTrigger
from sentirec.queueing import RETRAIN, enqueue

BROKER_DOWN = "The task broker is unreachable; nothing was trained. Try again when it is back."


def request_retrain(
    trigger: RetrainTrigger,
    *,
    requested_by=None,
    arch: str | None = None,
    options: dict | None = None,
) -> RetrainJob:
    """Record a queued retrain job and hand it to a worker; return the job as it stands
    (``failed``, saying so, when the broker is unreachable). With no broker it runs in
    this process, in a thread of its own, so the request that asked returns at once."""
    job = RetrainJob.objects.create(
        trigger=trigger,
        requested_by=requested_by,
        request={"arch": arch, "options": options or {}},
    )

    def send() -> None:
        if not enqueue(RETRAIN, [job.pk], queue=settings.GPU_QUEUE, background=True):
            finish(job.pk, RetrainStatus.FAILED, only_if=RetrainStatus.QUEUED, reason=BROKER_DOWN)

    transaction.on_commit(send)
    job.refresh_from_db()
    return job


def finish(
    job_id: int, status: RetrainStatus, *, only_if: RetrainStatus | None = None, **fields
) -> None:
    """Record how a job ended (``only_if``: unless it has moved on from that status)."""
    rows = RetrainJob.objects.filter(pk=job_id)
    if only_if is not None:
        rows = rows.filter(status=only_if)
    rows.update(status=status, finished=timezone.now(), stage="", **fields)
