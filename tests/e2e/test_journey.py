"""A new user's first five minutes, every button pressed in a real browser, each effect
checked in the database: sign up, find people in the directory, follow (from the
directory and from the suggestions), rate with stars alone, review, edit, delete, read
the feed page by page to its end, search items, unfollow from a profile, log out and in."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from sentirec.models import Follow, Item, Rating, Review, SentimentStatus
from sentirec.services.stats import refresh_item_stats
from tests.e2e.conftest import DESKTOP

pytestmark = pytest.mark.e2e

PASSWORD = "plum-orchard-27"
LOVED = "An outstanding, wonderful film. I loved every minute and would watch it again."


def scored_review(user, item, text: str = LOVED, stars: int = 5) -> Review:
    review = Review.objects.create(user=user, item=item, text=text, stars=Decimal(stars))
    Review.objects.filter(pk=review.pk).update(
        sentiment_status=SentimentStatus.SCORED,
        sentiment_label="positive",
        sentiment_score=0.9,
        sentiment_confidence=0.95,
        sentiment_highlights=["outstanding", "wonderful", "loved"],
        sentiment_model_version="e2e",
        sentiment_scored_at=timezone.now(),
    )
    return review


@pytest.fixture
def small_site(live_server, monkeypatch):
    """Ada reviewed 25 films (a feed longer than a page); Grace, whom Ada follows, one."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    User = get_user_model()
    ada = User.objects.create_user("ada", first_name="Ada", last_name="Lovelace")
    grace = User.objects.create_user("grace", first_name="Grace", last_name="Hopper")
    Follow.objects.create(follower=ada, followee=grace)
    films = [Item.objects.create(title=f"Film {n:02d}", category="dvd") for n in range(25)]
    for film in films:
        scored_review(ada, film)
    scored_review(grace, Item.objects.create(title="Grace's pick", category="books"))
    refresh_item_stats(Item.objects.values_list("pk", flat=True))
    return live_server.url


@pytest.mark.submits(
    "sentirec/signup.html#post",
    "sentirec/people.html#get",
    "sentirec:follow",
    "sentirec:unfollow",
    "sentirec:rating-save",
    "sentirec:review-save",
    "sentirec:review-delete",
    "sentirec/item_list.html#get",
    "sentirec/includes/nav.html#post",
    "sentirec/login.html#post",
)
def test_a_new_user_presses_every_button(browser, small_site, sentiment_model, artifacts):
    site = small_site
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())  # "Delete your review?"

    # Sign up.
    page.goto(f"{site}/signup/")
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{site}/")
    nora = get_user_model().objects.get(username="nora")

    # Find Ada in the directory by her surname, and follow her there.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_label("Find people").fill("lovelace")
    page.get_by_role("button", name="Search").click()
    row = page.locator(".person-row", has_text="Ada Lovelace")
    assert page.locator(".person-row").count() == 1 and row.count() == 1
    row.get_by_role("button", name=re.compile(r"^Follow")).click()
    page.wait_for_url(re.compile(r"/people/\?q=lovelace$"))
    assert Follow.objects.filter(follower=nora, followee__username="ada").exists()
    assert row.get_by_role("button", name=re.compile(r"^Unfollow")).is_visible()
    page.goto(f"{site}/people/")
    page.screenshot(path=str(artifacts / "people-desktop.png"), full_page=True)

    # The feed: Ada's films, numbered, with why; Grace suggested; follow her from there.
    page.goto(f"{site}/")
    assert page.get_by_role("heading", name="Your feed").is_visible()
    first = page.locator(".feed-card").first
    assert first.locator(".rank").inner_text() == "#1"
    assert first.locator(".reason").text_content() in {"From people you follow", "Top rated"}
    assert first.locator(".contributor .person__name").inner_text() == "Ada Lovelace"
    suggestions = page.locator("aside", has=page.get_by_role("heading", name="People to follow"))
    suggestions.locator(".people__row", has_text="Grace Hopper").get_by_role(
        "button", name=re.compile(r"^Follow")
    ).click()
    page.wait_for_url(f"{site}/")
    assert Follow.objects.filter(follower=nora, followee__username="grace").exists()

    # Page 2 continues the numbering; a page past the end says so.
    assert page.locator(".feed-card").count() == 20
    page.get_by_role("link", name="More →").click()
    page.wait_for_url(re.compile(r"\?page=2$"))
    assert page.locator(".feed-card").first.locator(".rank").inner_text() == "#21"
    assert page.get_by_text("That is everything for now").is_visible()
    page.screenshot(path=str(artifacts / "feed-page-2-desktop.png"), full_page=True)
    page.goto(f"{site}/?page=9")
    assert page.get_by_text("You have reached the end of your feed").is_visible()

    # Just rate a film, with stars alone.
    page.goto(f"{site}/")
    page.locator(".feed-card__title a").first.click()
    rated_url = page.url
    page.get_by_text("Just rate it").click()
    page.screenshot(path=str(artifacts / "rate-only-desktop.png"), full_page=True)
    page.locator("#id_rating-stars").select_option("4")
    page.get_by_role("button", name="Save stars").click()
    assert page.get_by_text("Your stars were saved.").is_visible()
    rating = Rating.objects.get(user=nora)
    assert rating.stars == Decimal("4") and Review.objects.filter(user=nora).count() == 0

    # Review another film, edit the review, then delete it.
    page.goto(f"{site}/items/")
    page.get_by_label("Search").fill("Film 24")
    page.get_by_role("button", name="Search").click()
    page.locator(".item-card__title a", has_text="Film 24").click()
    assert page.url != rated_url
    page.locator("#id_stars").select_option("5")
    page.get_by_role("textbox", name="Your review").fill(
        "Wonderful from start to finish. I love it."
    )
    page.get_by_role("button", name="Post review").click()
    review = Review.objects.get(user=nora)
    assert review.stars == Decimal("5") and review.item.title == "Film 24"
    page.get_by_role("textbox", name="Your review").fill("Still wonderful on a second watch.")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Your review was saved.").is_visible()
    review.refresh_from_db()
    assert review.text == "Still wonderful on a second watch."
    page.get_by_role("button", name="Delete my review").click()
    assert page.get_by_text("Your review was deleted.").is_visible()
    assert not Review.objects.filter(user=nora).exists()

    # Her profile lists whom she follows, each with an Unfollow button.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="nora").click()
    page.get_by_role("link", name="Following").click()
    following = page.locator(".person-row")
    assert following.count() == 2
    following.filter(has_text="Grace Hopper").get_by_role(
        "button", name=re.compile(r"^Unfollow")
    ).click()
    assert not Follow.objects.filter(follower=nora, followee__username="grace").exists()

    # Log out, and back in.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/")
    assert page.get_by_role("heading", name="Your feed").is_visible()
    context.close()
    assert errors == []
