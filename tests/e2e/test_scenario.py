"""The whole story in a real browser, on the demo data, with reviews scored for real:
sign up, follow two demo reviewers, read the explained feed, write a review, watch its
sentiment appear, then see it in a follower's feed. Screenshots of the feed, item and
profile pages, at desktop and phone widths, are saved for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.db.models import Count

from sentirec.models import Follow, Review
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

PASSWORD = "plum-orchard-27"
REVIEW = (
    "Excellent! I love it. The battery lasts forever, the screen is wonderful "
    "and it works perfectly. Highly recommended."
)


def prolific_reviewers(n: int) -> list[str]:
    """The demo reviewers with the most reviews: their follows fill a feed."""
    users = (
        get_user_model()
        .objects.exclude(username__in=["demo", "admin"])
        .annotate(n=Count("sentirec_reviews"))
        .order_by("-n", "username")
    )
    return [user.username for user in users[:n]]


def shoot(page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def demo_site(live_server, sentiment_model, monkeypatch):
    # The server's request threads must not keep connections open past the test, or the
    # test database cannot be dropped at the end.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    call_command("sentirec_demo", verbosity=0)
    return live_server.url


def test_sign_up_follow_review_and_reach_a_follower(browser, demo_site, artifacts):
    errors: list[str] = []
    desktop = browser.new_context(viewport=DESKTOP)
    page = desktop.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))

    # Sign up: a new user lands on top items and people to follow.
    page.goto(f"{demo_site}/signup/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{demo_site}/")
    assert page.get_by_role("heading", name="Top items").is_visible()
    assert page.get_by_role("heading", name="People to follow").is_visible()
    shoot(page, artifacts, "feed-new-user-desktop")

    # Follow two demo reviewers from their profiles.
    followed = prolific_reviewers(2)
    for username in followed:
        page.goto(f"{demo_site}/people/{username}/")
        page.get_by_role("button", name=re.compile(r"^Follow")).click()
        assert page.get_by_text(f"You now follow {username}").is_visible()
    assert set(
        Follow.objects.filter(follower__username="erin").values_list(
            "followee__username", flat=True
        )
    ) == set(followed)

    # The feed now explains each item with what they said, sentiment words highlighted.
    page.goto(f"{demo_site}/")
    assert page.get_by_role("heading", name="Your feed").is_visible()
    cards = page.locator(".feed-card")
    assert cards.count() > 0
    first = cards.first
    assert first.locator(".reason").inner_text().strip()  # why the card is there
    people = page.locator(".contributor a.person").evaluate_all("a => a.map(x => x.pathname)")
    assert {f"/people/{name}/" for name in followed} & set(people)
    assert page.locator(".contributor__excerpt mark").count() > 0  # their words that weighed most
    shoot(page, artifacts, "feed-desktop")

    # Write a review of the first item and watch its sentiment appear.
    first.locator(".feed-card__title a").click()
    item_url = page.url
    page.get_by_label("Your stars").first.select_option("5")
    page.get_by_label("Your review").fill(REVIEW)
    page.get_by_role("button", name="Post review").click()
    page.wait_for_url(re.compile(r"/items/\d+/#your-review$"))
    review = Review.objects.get(user__username="erin")
    card = page.locator(f"#review-{review.pk}")
    card.locator(".badge--positive").wait_for(timeout=30_000)
    assert card.get_attribute("data-sentiment-status") == "scored"
    assert card.locator(".review__text mark").count() > 0
    review.refresh_from_db()
    assert review.sentiment_status == "scored" and review.sentiment_label == "positive"
    shoot(page, artifacts, "item-desktop")
    page.goto(f"{demo_site}/people/{followed[0]}/")
    shoot(page, artifacts, "profile-desktop")
    desktop.close()

    # A follower of erin logs in and finds her review in their feed.
    frank = get_user_model().objects.create_user("frank", password=PASSWORD)
    Follow.objects.create(follower=frank, followee=review.user)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{demo_site}/accounts/login/")
    page.get_by_label("Username").fill("frank")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{demo_site}/")
    her_name = page.locator(".contributor .person__name", has_text=re.compile(r"^erin$"))
    card = page.locator(".feed-card", has=her_name)
    assert card.count() == 1
    quoted = card.locator(".contributor__excerpt").inner_text().strip("“”")
    assert re.sub(r"^(\.\.\.|…)|(\.\.\.|…)$", "", quoted) in REVIEW  # her words, maybe cut
    assert fits_the_width(page)
    shoot(page, artifacts, "feed-follower-phone")
    for name, url in (("item-phone", item_url), ("profile-phone", f"{demo_site}/people/erin/")):
        page.goto(url)
        assert fits_the_width(page), name
        shoot(page, artifacts, name)
    phone.close()
    assert errors == []


def test_the_api_explorer_runs_requests_offline(browser, live_server, artifacts, make_item):
    make_item("Kettle", category="kitchen")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: request.url.startswith(live_server.url) or outside.append(request.url),
    )
    page.goto(f"{live_server.url}/api/docs/")
    operation = page.locator(
        "details.api-op", has=page.locator(".api-op__path", has_text=re.compile(r"^/api/items/$"))
    )
    operation.locator("summary").click()
    operation.get_by_role("button", name="Send GET").click()
    result = operation.locator(".api-result")
    result.locator("pre").wait_for()
    assert result.locator(".api-result__status").inner_text().startswith("200")
    assert '"title": "Kettle"' in result.locator("pre").inner_text()
    shoot(page, artifacts, "api-docs-desktop")
    page.goto(f"{live_server.url}/about/")
    shoot(page, artifacts, "about-desktop")
    context.close()
    assert outside == [], "the docs and pages load nothing from other sites"


def test_a_pending_review_updates_itself_when_scored(browser, live_server, artifacts, user, item):
    """With a real broker scoring happens later: the page polls and swaps in the result."""
    # Saved without the on-commit task, which tests run in-process: the worker is "busy".
    (review,) = Review.objects.bulk_create(
        [Review(user=user, item=item, text="Brilliant kettle, boils fast.")]
    )
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/items/{item.pk}/")
    card = page.locator(f"#review-{review.pk}")
    assert card.locator(".badge--pending").is_visible()
    Review.objects.filter(pk=review.pk).update(
        sentiment_status="scored",
        sentiment_label="positive",
        sentiment_confidence=0.97,
        sentiment_highlights=["Brilliant"],
    )
    card.locator(".badge--positive").wait_for(timeout=15_000)
    assert card.get_attribute("data-sentiment-status") == "scored"
    assert card.locator(".review__text mark").inner_text() == "Brilliant"
    page.context.close()
