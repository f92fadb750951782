"""A retrain is a job that is always seen: queued, running (epoch k of n), then succeeded
(with the gate's figures), skipped or failed, with the reason, whoever started it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from sentirec import tasks
from sentirec.models import RetrainJob, RetrainStatus, RetrainTrigger, SentimentModel
from sentirec.services import training
from sentirec.services.retrain_jobs import request_retrain
from tests.workers import test_queueing, test_retrain

pytestmark = pytest.mark.django_db

# Fixtures shared with the queueing and retrain tests.
host_broker = test_queueing.host_broker
retrain_data = test_retrain.retrain_data


def queued(**request) -> RetrainJob:
    return RetrainJob.objects.create(trigger=RetrainTrigger.ADMIN, request=request)


def test_the_schedule_on_a_new_site_skips_with_its_reason():
    assert tasks.retrain.apply().get() == "skipped"  # what beat sends: no job yet
    job = RetrainJob.objects.get()
    assert (job.trigger, job.status) == (RetrainTrigger.SCHEDULE, RetrainStatus.SKIPPED)
    assert "positive and negative examples" in job.reason
    assert job.finished is not None and job.traceback == ""
    assert cache.get(training.LOCK_KEY) is None


def test_a_retrain_that_breaks_is_failed_with_the_error_and_its_traceback(retrain_data):
    job = queued(options={"embeddings": "/nowhere/vectors.txt"})
    job = training.run_retrain_job(job.pk)
    assert job.status == RetrainStatus.FAILED
    assert job.reason.startswith("EmbeddingError: cannot read GloVe file /nowhere/vectors.txt")
    assert "Traceback" in job.traceback and "load_glove_text" in job.traceback
    assert job.model is None and cache.get(training.LOCK_KEY) is None


def test_a_retrain_job_records_its_epochs_model_and_the_gates_figures(toy_model, retrain_data):
    job = training.run_retrain_job(queued().pk)
    assert job.status == RetrainStatus.SUCCEEDED, job.reason
    assert job.started <= job.finished and job.stage == ""
    assert job.epochs == 6 and 1 <= job.epoch <= 6
    assert (
        job.model
        == SentimentModel.objects.exclude(training_data__has_key="shipped")
        .exclude(pk=toy_model.pk)
        .get()
    )
    # a tie keeps the active model
    assert job.promoted == (job.candidate_accuracy > job.active_accuracy + job.required_gain)
    verdict = "Promoted" if job.promoted else "Not promoted"
    assert job.reason.startswith(f"{verdict}: accuracy on the ")
    assert f"gate examples {job.candidate_accuracy:.4f}" in job.reason
    # delivered twice: the second run leaves the finished job alone
    assert training.run_retrain_job(job.pk).finished == job.finished
    assert SentimentModel.objects.count() == 3


def test_a_second_retrain_while_one_runs_is_skipped_saying_so(retrain_data):
    cache.add(training.LOCK_KEY, 1, 60)
    job = training.run_retrain_job(queued().pk)
    assert job.status == RetrainStatus.SKIPPED and "already running" in job.reason


def test_a_job_left_running_by_a_dead_worker_is_failed_when_the_next_starts(retrain_data):
    orphan = RetrainJob.objects.create(trigger=RetrainTrigger.API, status=RetrainStatus.RUNNING)
    training.run_retrain_job(queued(options={"embeddings": "/nowhere.txt"}).pk)
    orphan.refresh_from_db()
    assert orphan.status == RetrainStatus.FAILED and "stopped before it finished" in orphan.reason


def test_a_request_with_the_broker_down_is_a_failed_job_saying_why(
    host_broker,
    staff,
    django_capture_on_commit_callbacks,
):
    host_broker(f"redis://127.0.0.1:{test_queueing.closed_port()}/0")
    with django_capture_on_commit_callbacks(execute=True):
        job = request_retrain(RetrainTrigger.ADMIN, requested_by=staff)
    job.refresh_from_db()
    assert job.status == RetrainStatus.FAILED and "broker is unreachable" in job.reason
    assert job.requested_by == staff


def test_the_command_runs_a_job_and_fails_with_its_reason():
    with pytest.raises(CommandError, match="skipped: Not enough labelled data"):
        call_command("sentirec_train", verbosity=0)
    assert RetrainJob.objects.get().trigger == RetrainTrigger.COMMAND
