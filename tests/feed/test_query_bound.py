"""A feed page costs a fixed handful of queries, however many people the user follows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection

from sentirec.feeds.feed import feed
from sentirec.feeds.suggestions import site_raters
from sentirec.models import Follow, Item, Rating, Review, SentimentStatus
from sentirec.services.recommender import train_recommender
from sentirec.services.stats import refresh_item_stats

FOLLOWEES = 1000
ITEMS = 300
#: The page's own queries (9, the display names of everyone it names and the agreement of
#: everyone it weighs included; one more where the database cannot limit inside a union,
#: so opinions take two), plus page 1's extras: friends of friends, and the followees with
#: nothing new. The site-wide raters who top up the suggestions are built once per
#: FEED_CACHE_SECONDS for every viewer (``site_raters``, asserted below).
MAX_QUERIES = 11 + (not connection.features.supports_slicing_ordering_in_compound)
#: Building the site-wide raters: the best items, their raters, their counts and names.
SITE_RATERS_QUERIES = 4


@pytest.fixture
def crowd(db, user, django_assert_max_num_queries):
    """``user`` follows 1,000 people (half follow back); each rated three items and
    reviewed one of them; ``user`` rated a few of the same items. The site-wide raters
    are built (once for every viewer's first page)."""
    User = get_user_model()
    people = User.objects.bulk_create(
        User(username=f"crowd{n}", password="!") for n in range(FOLLOWEES)
    )
    items = Item.objects.bulk_create(Item(title=f"Thing {n}") for n in range(ITEMS))
    Follow.objects.bulk_create(Follow(follower=user, followee=p) for p in people)
    Follow.objects.bulk_create(Follow(follower=p, followee=user) for p in people[::2])
    ratings, reviews = [], []
    for n, person in enumerate(people):
        for k in range(3):
            thing = items[(n * 7 + k * 13) % ITEMS]
            ratings.append(Rating(user=person, item=thing, stars=Decimal(1 + (n + k) % 5)))
        reviews.append(
            Review(
                user=person,
                item=items[(n * 7) % ITEMS],
                text=f"Review {n}: the battery lasts forever.",
                stars=Decimal(1 + n % 5),
                sentiment_status=SentimentStatus.SCORED,
                sentiment_score=0.8,
                sentiment_confidence=0.9,
                sentiment_highlights=["forever"],
            )
        )
    Rating.objects.bulk_create(ratings)
    Review.objects.bulk_create(reviews)
    Rating.objects.bulk_create(Rating(user=user, item=items[n], stars=Decimal(4)) for n in (0, 7))
    refresh_item_stats(item.pk for item in items)
    with django_assert_max_num_queries(SITE_RATERS_QUERIES):
        assert site_raters()
    assert connection.features.supports_json_field  # SQLite's one-off probe, not a page's
    return people


def test_a_page_for_someone_following_1000_people(user, crowd, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        page = feed(user)

    assert not page.cold_start and len(page.entries) == 20
    assert all(e.reason == "social" and e.contributors for e in page.entries[:5])
    rated = set(Rating.objects.filter(user=user).values_list("item_id", flat=True))
    assert len(rated) == 2 and all(e.item.pk not in rated for e in page.entries)


def test_second_hop_stays_within_the_bound(
    settings, user, crowd, make_user, django_assert_max_num_queries
):
    settings.SENTIREC = {"FEED_SECOND_HOP": True}
    far = make_user("far")
    Follow.objects.create(follower=crowd[0], followee=far)
    Rating.objects.create(user=far, item=Item.objects.create(title="Far away"), stars=5)

    with django_assert_max_num_queries(MAX_QUERIES):
        page = feed(user, page_size=100)

    assert not page.cold_start
    entries = [e for n in (1, 2, 3, 4) for e in feed(user, page=n, page_size=100).entries]
    (reached,) = [e for e in entries if e.item.title == "Far away"]
    assert [(c.username, c.via_username) for c in reached.contributors] == [("far", "crowd0")]
    assert reached.explanation == "far (followed by crowd0) loved this"


def test_a_cold_start_with_silent_followees_stays_within_the_bound(
    make_user, crowd, django_assert_max_num_queries
):
    newcomer = make_user("newcomer")
    Follow.objects.bulk_create(
        Follow(follower=newcomer, followee=make_user(f"silent{n}")) for n in range(50)
    )
    silent = newcomer.sentirec_following.first().followee
    Follow.objects.bulk_create(Follow(follower=silent, followee=p) for p in crowd[:5])

    with django_assert_max_num_queries(MAX_QUERIES):
        page = feed(newcomer)

    assert page.cold_start and page.who_to_follow
    assert page.who_to_follow[0].reason == "Followed by 1 person you follow"


def test_with_a_learned_model_still_within_the_bound(
    settings, tmp_path, user, crowd, commits, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    with commits():
        train_recommender(options={"factors": 4, "burn_in": 2, "samples": 4})
    cache.clear()  # the active-model marker must be looked up too
    site_raters()  # built once for every viewer

    with django_assert_max_num_queries(MAX_QUERIES):
        page = feed(user)

    assert all("model" in e.components for e in page.entries)


def test_the_worst_cold_start_stays_within_the_bound(
    settings, tmp_path, make_user, crowd, commits, django_assert_max_num_queries
):
    """Silent followees who follow nobody (so who-to-follow falls back to the best items'
    raters), a learned model, and the model's marker to look up."""
    settings.MEDIA_ROOT = tmp_path
    newcomer = make_user("newcomer")
    Follow.objects.bulk_create(
        Follow(follower=newcomer, followee=make_user(f"silent{n}")) for n in range(3)
    )
    Rating.objects.create(user=newcomer, item=Item.objects.get(title="Thing 1"), stars=4)
    with commits():
        train_recommender(options={"factors": 4, "burn_in": 2, "samples": 4})
    cache.clear()
    site_raters()

    with django_assert_max_num_queries(MAX_QUERIES):
        page = feed(newcomer)

    assert page.cold_start and page.who_to_follow
    assert all("model" in e.components for e in page.entries)
    assert page.who_to_follow[0].reason.startswith(("Active reviewer", "Agrees with you"))
