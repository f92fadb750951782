"""An admin's journey in a real browser: the registry shows the serving (shipped) model;
"Retrain now" runs a job to its end (a tiny corpus, seconds); a model is activated, rolled
back and compared; the disagreement filter finds the reviews worth a look and "Rescore
selected reviews" rescores them; the feed preview is reached from a user's page and found
by username. Each step is checked in the database, not only on the page."""

from __future__ import annotations

import re
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from sentirec.feeds.feed import feed
from sentirec.models import (
    Follow,
    Item,
    PreferenceModel,
    Rating,
    RetrainJob,
    RetrainStatus,
    Review,
    SentimentLabel,
    SentimentModel,
    SentimentStatus,
)
from sentirec.sentiment.bundle import default_bundle_path
from sentirec.services.recommender import train_recommender
from tests.conftest import toy_corpus
from tests.e2e.conftest import DESKTOP
from tests.workers.test_retrain import write_csv

pytestmark = pytest.mark.e2e

PASSWORD = "plum-orchard-27"
CHANGELIST = "/admin/sentirec/sentimentmodel/"


@pytest.fixture
def admin_site(live_server, sentiment_model, media_root, settings, tmp_path, monkeypatch):
    """The live site with a registry as ``migrate`` leaves it, and retraining on a tiny
    corpus so a job finishes in seconds (never promoted: the gate asks for +1.0)."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    shipped = SentimentModel.objects.get(training_data__shipped=True)
    (media_root / shipped.file.name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(default_bundle_path(), media_root / shipped.file.name)  # this test's storage
    settings.SENTIREC = {
        "RETRAIN_BASE_DATA": [write_csv(tmp_path / "base.csv", *toy_corpus(200, seed=5))],
        "RETRAIN_VALIDATION_DATA": [write_csv(tmp_path / "val.csv", *toy_corpus(100, seed=9))],
        "RETRAIN_ARCH": "mlp",
        "RETRAIN_OPTIONS": {"embeddings": None, "epochs": 4, "lr": 1e-2, "patience": 4},
        "PROMOTION_MIN_ACCURACY_GAIN": 1.0,
    }
    users = get_user_model().objects
    users.create_superuser("root", password=PASSWORD)
    alice, bob = users.create_user("alice"), users.create_user("bob")
    Follow.objects.create(follower=alice, followee=bob)
    return live_server.url


@pytest.fixture
def page(browser, admin_site):
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(f"{admin_site}/admin/login/")
    tab.get_by_label("Username").fill("root")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(f"{admin_site}/admin/")
    yield tab
    context.close()
    assert errors == []


def active() -> SentimentModel:
    return SentimentModel.objects.get(is_active=True)


def choose_action(page, action: str, rows: list[str]) -> None:
    for label in rows:
        page.get_by_role("row", name=re.compile(re.escape(label))).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(action)
    page.get_by_role("button", name="Go").click()


@pytest.mark.submits(
    "admin:sentirec_sentimentmodel_retrain",
    "admin:sentirec_sentimentmodel_activate",
    "admin:sentirec_sentimentmodel_rollback",
    "admin-action:sentirec.sentimentmodel.compare_models",
)
def test_registry_retrain_activate_roll_back_and_compare(page, admin_site):
    shipped = active()
    assert shipped.training_data["shipped"]

    # The registry shows the model the workers serve, with its figures and plots.
    page.goto(f"{admin_site}{CHANGELIST}")
    row = page.get_by_role("row", name=re.compile(shipped.version))
    assert "shipped with sentirec" in row.inner_text()
    assert row.locator("img[alt=True]").count() == 1  # the "active" tick
    page.get_by_role("link", name=shipped.version).click()
    page.get_by_role("img", name="confusion matrix").wait_for()  # waits for the page
    assert page.get_by_role("img", name="training curve").is_visible()

    # Retrain now: the job's page follows it (it reloads itself) to its end.
    page.goto(f"{admin_site}{CHANGELIST}")
    page.get_by_role("button", name="Retrain now").click()
    job = RetrainJob.objects.get()
    page.wait_for_url(re.compile(rf"/admin/sentirec/retrainjob/{job.pk}/change/"))
    page.get_by_text("Succeeded", exact=True).wait_for(timeout=120_000)
    job.refresh_from_db()
    assert job.status == RetrainStatus.SUCCEEDED and job.epochs == 4 and job.epoch >= 1
    assert job.promoted is False and job.reason.startswith("Not promoted: accuracy on the")
    assert page.get_by_text(job.reason).is_visible()
    candidate = job.model
    assert active() == shipped and not candidate.is_active

    # Activate the candidate from its page, then roll back from the list.
    page.get_by_role("link", name=str(candidate)).click()
    page.get_by_role("button", name="Activate").click()
    page.get_by_text(f"{candidate.version} is active").wait_for()
    assert active() == candidate
    page.goto(f"{admin_site}{CHANGELIST}")
    page.get_by_role("button", name="Roll back").click()
    page.get_by_text(f"Rolled back to {shipped.version}").wait_for()
    assert active() == shipped

    # Compare the two side by side.
    choose_action(page, "compare_models", [shipped.version, candidate.version])
    table = page.locator("#model-comparison")
    table.wait_for()
    text = table.text_content()  # as written, not as CSS capitalises it
    assert shipped.version in text and candidate.version in text
    assert f"{shipped.accuracy:.4f}" in text and f"{candidate.accuracy:.4f}" in text


@pytest.mark.submits("admin-action:sentirec.review.rescore_selected")
def test_disagreement_filter_and_rescore(page, admin_site):
    alice, bob = get_user_model().objects.filter(username__in=["alice", "bob"]).order_by("pk")
    phone, kettle = Item.objects.create(title="Phone"), Item.objects.create(title="Kettle")
    odd = Review.objects.create(user=alice, item=phone, text="Wonderful, I love it.", stars=5)
    fine = Review.objects.create(user=bob, item=kettle, text="Broken and awful.", stars=1)
    scored = {"sentiment_status": SentimentStatus.SCORED, "sentiment_model_version": "old-1"}
    Review.objects.filter(pk=odd.pk).update(sentiment_label=SentimentLabel.NEGATIVE, **scored)
    Review.objects.filter(pk=fine.pk).update(sentiment_label=SentimentLabel.NEGATIVE, **scored)

    page.goto(f"{admin_site}/admin/sentirec/review/")
    page.get_by_role("link", name="Disagree").click()
    listed = page.locator("#result_list").inner_text()
    assert "Wonderful, I love it." in listed and "Broken and awful." not in listed

    choose_action(page, "rescore_selected", ["Wonderful, I love it."])
    page.get_by_text("Queued 1 reviews for rescoring.").wait_for()
    odd.refresh_from_db()
    assert odd.sentiment_model_version == active().version  # scored again, by the active model
    assert odd.sentiment_label == SentimentLabel.POSITIVE
    fine.refresh_from_db()
    assert fine.sentiment_model_version == "old-1"  # not selected: left alone


@pytest.mark.submits("admin/sentirec/feed_preview.html#get")
def test_feed_preview_from_a_users_page_and_by_username(page, admin_site):
    alice = get_user_model().objects.get(username="alice")
    page.goto(f"{admin_site}/admin/auth/user/{alice.pk}/change/")
    page.get_by_role("link", name="Feed preview").click()
    page.get_by_role("heading", name="Feed preview: alice").wait_for()
    assert page.locator("#feed-preview").is_visible()
    shown = page.locator("#feed-preview tbody tr").count()
    assert shown == max(1, len(feed(alice).entries))  # the site's own feed (or "Nothing")

    page.get_by_label("Username or id").fill("BOB")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Feed preview: bob").wait_for()
    page.get_by_label("Username or id").fill("demo")
    page.get_by_role("button", name="Preview").click()
    page.get_by_text("Nobody is called or numbered “demo”").wait_for()


@pytest.mark.submits(
    "admin-action:sentirec.preferencemodel.train_now",
    "admin-action:sentirec.preferencemodel.activate_model",
)
def test_preference_models_train_and_activate(page, admin_site):
    people = get_user_model().objects.filter(username__in=["alice", "bob", "root"])
    items = [Item.objects.create(title=f"Film {k}") for k in range(4)]
    for u, person in enumerate(people):
        for i, item in enumerate(items):
            Rating.objects.create(user=person, item=item, stars=1 + (u + i) % 5)
    first = train_recommender()

    page.goto(f"{admin_site}/admin/sentirec/preferencemodel/")
    choose_action(page, "train_now", [first.version])
    page.get_by_text("Training queued").wait_for()
    newest = PreferenceModel.objects.exclude(pk=first.pk).get()  # trained in-process
    assert newest.is_active and newest.training_data["opinions"] == 12

    page.goto(f"{admin_site}/admin/sentirec/preferencemodel/")
    choose_action(page, "activate_model", [first.version])
    page.get_by_text(f"{first.version} is active").wait_for()
    assert PreferenceModel.objects.get(is_active=True) == first
