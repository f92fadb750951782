"""The prediction endpoint: enqueued, answered through the database, capped and rate-limited."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sentirec.services import predict

pytestmark = pytest.mark.django_db

URL = "/api/sentiment/predict/"


@pytest.fixture
def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_eager_tasks_answer_at_once_with_labels_and_highlights(api, fake_engine):
    response = api.post(URL, {"texts": ["a great kettle", "an awful one"]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done"
    assert [r["label"] for r in body["results"]] == ["positive", "negative"]
    assert body["results"][0]["highlights"] == [{"word": "great", "weight": 0.7}]
    assert fake_engine.calls == [["a great kettle", "an awful one"]]  # run by the task
    assert api.get(body["url"]).json()["results"] == body["results"]


def test_a_busy_worker_means_202_and_a_url_to_poll(api, fake_engine, monkeypatch, user):
    queued = []
    monkeypatch.setattr("sentirec.api.predict.WAIT_SECONDS", 0.1)
    monkeypatch.setattr(
        "sentirec.services.predict.enqueue",
        lambda task, args, queue: queued.append((task, args, queue)) or True,
    )
    response = api.post(URL, {"texts": ["great"]}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending" and "results" not in body
    assert queued == [("sentirec.predict_sentiment", [body["job"]], "sentirec.gpu")]
    assert api.get(body["url"]).status_code == 202
    predict.run_job(*queued[0][1])  # what the worker does
    done = api.get(body["url"])
    assert done.status_code == 200 and done.json()["results"][0]["label"] == "positive"


def test_another_user_cannot_read_my_job(api, fake_engine, other_user):
    url = api.post(URL, {"texts": ["great"]}, format="json").json()["url"]
    snoop = APIClient()
    snoop.force_authenticate(other_user)
    response = snoop.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get("/api/sentiment/jobs/0123456789abcdef/").status_code == 404


def test_a_failing_model_is_a_503_with_a_reason(api, monkeypatch):
    def broken():
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr("sentirec.engine.active_engine", broken)
    response = api.post(URL, {"texts": ["great"]}, format="json")
    assert response.status_code == 503
    assert response.json() == {
        "status": 503,
        "code": "prediction_failed",
        "detail": "The sentiment model failed (RuntimeError).",
    }


def test_an_unreachable_broker_is_a_503(api, monkeypatch):
    monkeypatch.setattr("sentirec.services.predict.enqueue", lambda *a, **k: False)
    response = api.post(URL, {"texts": ["great"]}, format="json")
    assert response.status_code == 503
    assert "unreachable" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "texts: This field is required."),
        ({"texts": []}, "texts"),
        ({"texts": "great"}, "texts"),
        ({"texts": [""]}, "texts.0: This field may not be blank."),
        ({"texts": ["nul\x00byte"]}, "Null characters are not allowed."),
        ({"texts": ["x"] * 17}, "texts"),
        ({"texts": ["ok", "x" * 5001]}, "Text 2 is 5001 characters long; the limit is 5000."),
    ],
)
def test_bad_texts_are_a_400_that_says_why(api, fake_engine, body, message):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["status"] == 400 and error["code"] == "invalid"
    assert message in error["detail"]
    assert "texts" in error["errors"]
    assert fake_engine.calls == []


def test_the_length_cap_follows_the_setting(api, fake_engine, settings):
    settings.SENTIREC = {"PREDICT_MAX_CHARS": 10}
    response = api.post(URL, {"texts": ["great great great"]}, format="json")
    assert response.status_code == 400 and "the limit is 10" in response.json()["detail"]


def test_predictions_are_rate_limited(api, fake_engine, settings):
    settings.SENTIREC = {"PREDICT_RATE": "3/min"}
    codes = [api.post(URL, {"texts": ["great"]}, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    throttled = api.post(URL, {"texts": ["great"]}, format="json").json()
    assert throttled["code"] == "throttled" and "throttled" in throttled["detail"]
    assert len(fake_engine.calls) == 3


def test_the_real_engine_answers_through_the_task(api, toy_model):
    """The same round trip with the active registered model, not the stand-in."""
    texts = ["the kettle is great and perfect", "the phone is awful and broken"]
    response = api.post(URL, {"texts": texts}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["label"] for r in results] == ["positive", "negative"]
    for text, result in zip(texts, results, strict=True):
        assert -1 <= result["score"] <= 1 and 0.5 <= result["confidence"] <= 1
        words = [h["word"] for h in result["highlights"]]
        assert words and all(word in text for word in words)
