"""The learned preference model: trained from the site's data, stored, served by the feed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sentirec import tasks
from sentirec.feeds import serving
from sentirec.feeds.feed import blend_weights, feed
from sentirec.models import PreferenceModel, Rating
from sentirec.recommend.social_mf import SocialFactorConfig, SocialFactorModel
from sentirec.services.importing import import_dataset
from sentirec.services.recommender import (
    RecommenderError,
    activate,
    train_recommender,
    training_data,
)

FAST = {"factors": 8, "burn_in": 5, "samples": 10}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def filmtrust(db, shared_data, media):
    """A slice of FilmTrust imported as a site: users, films, stars and trust as follows."""
    import_dataset("filmtrust", shared_data / "filmtrust", limit=3000)


def test_training_data_blends_reviews_into_ratings(user, other_user, item, make_item, review):
    review(user, item, "Loved every minute of it.", 4, 0.9)
    review(other_user, make_item("Quiet film"), "Dull and far too long.", None, -0.7)

    data = training_data()

    rows = {
        (data.user_keys[u], data.item_keys[i]): (s, t)
        for u, i, s, t in zip(data.users, data.items, data.stars, data.sentiment, strict=True)
    }
    assert rows[(user.pk, item.pk)] == (4.0, 0.9)
    (starless,) = [v for (u, _), v in rows.items() if u == other_user.pk]
    assert math.isnan(starless[0]) and starless[1] == -0.7
    assert data.reviews == 2


def test_nothing_to_learn_from_is_refused(db):
    with pytest.raises(RecommenderError, match="Nothing to learn from"):
        train_recommender()


def test_train_stores_factors_and_the_feed_serves_them(filmtrust, media):
    model = train_recommender(options=FAST)

    assert model.is_active and PreferenceModel.objects.get(is_active=True) == model
    assert (media / model.file.name).is_file()
    assert model.training_data["opinions"] == Rating.objects.count()
    assert model.training_data["follows"] > 0
    assert 0 < model.metrics["fit_rmse_stars"] < 1.5
    served = serving.active()
    assert served.version == model.version
    assert served.model.user_ids.size == model.training_data["users"]

    reader = Rating.objects.values_list("user", flat=True).first()
    page = feed(Rating.objects.filter(user=reader).first().user)

    assert page.entries and all("model" in e.components for e in page.entries)
    first = page.entries[0]
    expected = served.unit_scores(reader, [first.item.pk])[first.item.pk]
    assert first.components["model"] == pytest.approx(blend_weights().model * expected)
    assert all(
        -1.0 <= c / blend_weights().model <= 1.0
        for c in (e.components["model"] for e in page.entries)
    )


def test_a_new_model_replaces_the_active_one_in_the_feed(filmtrust, user, commits):
    with commits():
        first = train_recommender(options=FAST)
    old = feed(user)
    with commits():
        second = train_recommender(options={**FAST, "seed": 1})

    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert serving.active().version == second.version
    assert feed(user).generated_at > old.generated_at  # the page key holds the version


def test_the_same_data_trained_twice_in_one_second_gives_two_models(filmtrust, monkeypatch):
    """The admin's "Train now" pressed right after a training (the same ratings, the same
    second) once failed on the unique version and trained nothing."""
    from django.utils import timezone

    moment = timezone.now()
    monkeypatch.setattr("sentirec.services.recommender.timezone.now", lambda: moment)
    first = train_recommender(options=FAST, make_active=False)
    second = train_recommender(options=FAST, make_active=False)

    assert first.version != second.version and second.version.startswith(first.version)
    assert first.file.name != second.file.name and second.file.size == first.file.size


def test_stored_factors_round_trip(filmtrust):
    model = train_recommender(options=FAST, make_active=False)
    with model.file.open("rb") as handle:
        loaded = serving.from_bytes(handle.read())

    users, items = loaded.model.user_ids[:5], loaded.model.item_ids[:5]
    assert loaded.model.config.factors == FAST["factors"]
    assert serving.active() is None
    assert np.all(np.isfinite(loaded.model.predict(users, items)))


def test_the_model_sees_dense_indices_and_serves_primary_keys(filmtrust):
    """Integer keys are numbered in their own order, so the factors are those a fit on
    the keys themselves gives, and the feed's scores are unchanged by the numbering."""
    model = train_recommender(options=FAST)
    served = serving.active()
    data = training_data()
    direct = SocialFactorModel(SocialFactorConfig(**model.config)).fit(
        np.array(data.user_keys)[data.users],
        np.array(data.item_keys)[data.items],
        data.stars,
        trust=np.array(data.user_keys)[data.trust],
        sentiment=data.sentiment,
        confidence=data.confidence,
    )

    assert served.model.item_ids.tolist() == list(range(len(data.item_keys)))
    rated = sorted(set(Rating.objects.values_list("item_id", flat=True)))
    assert served.stored.item_keys == data.item_keys == rated
    reader = data.user_keys[0]
    items = [*data.item_keys[:50], max(data.item_keys) + 1]
    expected = direct.predict(np.full(len(items), reader), np.array(items))
    assert list(served.unit_scores(reader, items).values()) == pytest.approx(
        served.to_unit(expected).tolist(), abs=1e-12
    )
    top = served.top_items(reader, 10)
    assert set(top) <= set(data.item_keys) and len(top) == 10


def test_the_task_trains_and_activates(settings, filmtrust):
    settings.SENTIREC = {"RECOMMENDER_OPTIONS": FAST}

    version = tasks.train_recommender.delay().get()

    assert PreferenceModel.objects.get(is_active=True).version == version


def test_the_beat_schedule_retrains_on_the_gpu_queue(settings):
    from celery import Celery

    from sentirec.schedule import add_periodic_tasks

    settings.SENTIREC = {"RECOMMENDER_INTERVAL_HOURS": 6}
    app = Celery("schedule-test", set_as_current=False)  # leaves the site's app current
    add_periodic_tasks(app)
    app.finalize()

    (entry,) = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "sentirec.train_recommender"
    ]
    assert entry["schedule"] == 6 * 3600
    assert entry["options"]["queue"] == "sentirec.gpu"


def test_an_unreadable_model_file_leaves_the_feed_working(
    user, other_user, item, rate, caplog, commits
):
    rate(other_user, item, 4)
    broken = PreferenceModel.objects.create(version="broken", file="missing/nowhere.npz")
    with commits():
        activate(broken)

    page = feed(user)

    assert page.entries and all("model" not in e.components for e in page.entries)
    assert "cannot load" in caplog.text
