"""The model registry's admin: buttons that need no selection, a model's figures, retrain
jobs followed to their end, comparisons, and derived rows that cannot be edited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentirec.models import ItemStats, RetrainJob, RetrainStatus, RetrainTrigger, SentimentModel

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:sentirec_sentimentmodel_changelist"


def test_the_registry_lists_the_shipped_model_with_the_buttons(staff_client):
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    shipped = SentimentModel.objects.get(is_active=True)
    assert shipped.version in html and "shipped with sentirec" in html
    assert f"{shipped.accuracy:.4f}" in html
    assert 'id="retrain-now"' in html and 'id="roll-back"' in html
    page = staff_client.get(reverse("admin:sentirec_sentimentmodel_change", args=[shipped.pk]))
    html = page.content.decode()
    assert 'alt="training curve"' in html and 'alt="confusion matrix"' in html
    assert 'id="activate-model"' not in html  # it is the active one
    assert 'name="_save"' not in html  # nothing on it is edited by hand


def test_retrain_now_records_a_job_and_shows_it(staff_client, staff):
    response = staff_client.post(reverse("admin:sentirec_sentimentmodel_retrain"))
    job = RetrainJob.objects.get()
    assert (job.trigger, job.requested_by) == (RetrainTrigger.ADMIN, staff)
    assert response.url == reverse("admin:sentirec_retrainjob_change", args=[job.pk])
    page = staff_client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page  # follows the job until it is done
    assert staff_client.get(reverse("admin:sentirec_sentimentmodel_retrain")).status_code == 405
    RetrainJob.objects.filter(pk=job.pk).update(
        status=RetrainStatus.SKIPPED, reason="The validation set needs positive and negative"
    )
    page = staff_client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' not in page and "validation set needs positive" in page
    listed = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert 'id="latest-retrain"' in listed and "validation set needs positive" in listed


def test_activate_and_roll_back_buttons(
    staff_client, toy_model, django_capture_on_commit_callbacks
):
    shipped = SentimentModel.objects.get(training_data__shipped=True)
    page = staff_client.get(reverse("admin:sentirec_sentimentmodel_change", args=[shipped.pk]))
    assert 'id="activate-model"' in page.content.decode()
    staff_client.post(reverse("admin:sentirec_sentimentmodel_activate", args=[shipped.pk]))
    assert SentimentModel.objects.get(is_active=True) == shipped
    staff_client.post(reverse("admin:sentirec_sentimentmodel_rollback"))
    assert SentimentModel.objects.get(is_active=True) == toy_model


def test_compare_selected_models(staff_client, toy_model):
    shipped = SentimentModel.objects.get(training_data__shipped=True)
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "compare_models", "_selected_action": [shipped.pk, toy_model.pk]},
    )
    page = staff_client.get(response.url).content.decode()
    assert shipped.version in page and toy_model.version in page
    assert f"{shipped.accuracy:.4f}" in page and "1.0000" in page
    assert page.count('alt="confusion matrix"') == 1  # the toy model has none


def test_retrain_jobs_are_read_only(staff_client):
    job = RetrainJob.objects.create(
        trigger=RetrainTrigger.API,
        status=RetrainStatus.FAILED,
        reason="EmbeddingError: cannot read GloVe file",
    )
    listed = staff_client.get(reverse("admin:sentirec_retrainjob_changelist")).content.decode()
    assert "EmbeddingError" in listed and "Add retrain job" not in listed
    page = staff_client.get(reverse("admin:sentirec_retrainjob_change", args=[job.pk]))
    assert 'name="_save"' not in page.content.decode()
    assert (
        staff_client.post(reverse("admin:sentirec_retrainjob_delete", args=[job.pk])).status_code
        == 403
    )


def test_item_stats_are_read_only_and_rounded(staff_client, item):
    stats = ItemStats.objects.create(
        item=item,
        average_stars=4.269756773516422,
        mean_sentiment=0.4269756773516422,
        weighted_score=1e-182,
    )
    listed = staff_client.get(reverse("admin:sentirec_itemstats_changelist")).content.decode()
    assert "0.4269756773516422" not in listed and "0.43" in listed and "4.27" in listed
    assert "&lt;0.01" in listed and "e-182" not in listed
    assert "delete_selected" not in listed
    page = staff_client.get(reverse("admin:sentirec_itemstats_change", args=[stats.pk]))
    assert 'name="_save"' not in page.content.decode() and "0.43" in page.content.decode()
    delete = reverse("admin:sentirec_itemstats_delete", args=[stats.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert ItemStats.objects.filter(pk=stats.pk).exists()


def test_api_retrain_answers_its_job_to_poll(staff_client):
    response = staff_client.post("/api/models/retrain/")
    assert response.status_code == 202
    body = response.json()
    job = RetrainJob.objects.get(pk=body["id"])
    assert body["status"] == "queued" and job.trigger == RetrainTrigger.API
    assert body["url"].endswith(f"/api/retrain-jobs/{job.pk}/")
    assert response["Location"] == body["url"]
    polled = staff_client.get(body["url"]).json()
    assert polled["id"] == job.pk and polled["status"] == "queued"
