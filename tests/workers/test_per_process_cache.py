"""What passes between the web process and the worker goes through the database and the
broker, so it works with Django's default per-process cache (LocMemCache) in both:
prediction jobs, and the debounced item-stats refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from sentirec.models import ItemStats, PredictionJob, Rating
from sentirec.services import predict
from tests.api.conftest import fake_engine  # noqa: F401  (a stand-in model, in-process)
from tests.workers.conftest import wait_for

URL = "/api/sentiment/predict/"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.services
@pytest.mark.slow
def test_a_real_worker_answers_a_job_with_local_memory_caches(
    start_worker, toy_model, media_root, user, settings, monkeypatch
):
    """It used to stay "pending" forever: the worker wrote the result into its own cache."""
    settings.CACHES = LOCMEM
    monkeypatch.setattr("sentirec.api.predict.WAIT_SECONDS", 0)  # always poll
    start_worker(MEDIA_ROOT=str(media_root), REDIS_CACHE_URL="")  # the worker's cache: LocMem
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(URL, {"texts": ["the battery is great", "awful, broken"]}, format="json")
    assert response.status_code == 202, response.content
    url = response.json()["url"]
    answers = []
    wait_for(lambda: answers.append(api.get(url)) or answers[-1].status_code == 200, 60,
             "the worker to answer the job")  # fmt: skip
    results = answers[-1].json()["results"]
    assert [r["label"] for r in results] == ["positive", "negative"]


@pytest.mark.services
@pytest.mark.slow
def test_a_second_change_soon_after_the_first_reaches_the_item_stats(
    start_worker, user, other_user, item, settings
):
    """The web process marked the item due for 30 s and relied on the worker to clear
    the mark, which it did in its own cache: the second rating never reached the stats."""
    settings.CACHES = LOCMEM
    start_worker(REDIS_CACHE_URL="")

    def rated(n: int) -> bool:
        return ItemStats.objects.filter(item=item, rating_count=n).exists()

    with transaction.atomic():  # like a request: commit, then on_commit enqueues
        Rating.objects.create(user=user, item=item, stars=5)
    wait_for(lambda: rated(1), 30, "the first rating in the item's stats")
    with transaction.atomic():
        Rating.objects.create(user=other_user, item=item, stars=1)
    wait_for(lambda: rated(2), 30, "the second rating in the item's stats")
    assert ItemStats.objects.get(item=item).average_stars == 3.0


@pytest.mark.django_db
@pytest.mark.usefixtures("fake_engine")
def test_expired_jobs_are_unreadable_then_purged(user):
    fresh = predict.start(["great"], user.pk)
    old = predict.start(["great"], user.pk)
    PredictionJob.objects.filter(pk=old.pk).update(
        created=timezone.now() - timedelta(seconds=predict.JOB_SECONDS + 1)
    )
    assert predict.get(old.pk) is None
    assert predict.get(fresh.pk).status == "done"
    assert predict.purge_expired_jobs() == 1
    assert list(PredictionJob.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert predict.run_job(str(old.pk)) == "gone"  # a late task for a purged job: no-op


@pytest.mark.django_db
def test_the_purge_is_scheduled():
    from socialsite.celery import app

    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    entry = schedule["sentirec: purge expired prediction jobs"]
    assert entry["task"] == "sentirec.purge_prediction_jobs"
    assert entry["schedule"] == predict.JOB_SECONDS
