"""The feed through the database: ranking, explanations, exclusions, diversity, cold start."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sentirec.feeds.feed import FeedPage, feed

BATTERY = "I charged it on Monday and honestly the battery lasts forever, which I love."


@pytest.fixture
def catalog(make_item, make_user, rate):
    """Ten items with strangers' ratings, so quality alone gives a definite order."""
    items = [make_item(f"Item {n}") for n in range(10)]
    strangers = [make_user(f"stranger{n}") for n in range(3)]
    for n, item in enumerate(items):
        for person in strangers:
            rate(person, item, 1 + (n % 5))
    return items


def titles(page: FeedPage) -> list[str]:
    return [entry.item.title for entry in page.entries]


def test_followees_loved_review_ranks_first_with_its_words(
    user, other_user, catalog, item, follow, review
):
    follow(user, other_user)
    review(other_user, item, BATTERY, 5, 0.96, highlights=["forever", "love"])

    page = feed(user)

    first = page.entries[0]
    assert first.item == item
    assert first.reason == "social"
    assert not page.cold_start
    (bob,) = first.contributors
    assert (bob.username, bob.label, bob.highlights) == ("bob", "loved", ["forever", "love"])
    assert bob.excerpt == "...honestly the battery lasts forever, which I love."
    assert bob.review_id is not None and bob.via_username is None
    assert first.explanation == f"bob loved this: '{bob.excerpt}'"
    assert first.components["social"] > first.components["quality"]


def test_several_followees_are_counted_in_the_explanation(
    user, make_user, catalog, item, follow, review, rate
):
    fans = [make_user(f"fan{n}") for n in range(3)]
    for fan in fans:
        follow(user, fan)
    review(fans[0], item, BATTERY, 5, 0.96, highlights=["forever"])
    rate(fans[1], item, 5)
    rate(fans[2], item, 5)

    first = feed(user).entries[0]

    assert first.item == item
    (fan0,) = [c for c in first.contributors if c.username == "fan0"]
    assert first.explanation == f"3 people you follow loved this: '{fan0.excerpt}'"
    assert "battery lasts forever" in fan0.excerpt
    assert {c.username for c in first.contributors} == {"fan0", "fan1", "fan2"}
    assert sorted(c.excerpt == "" for c in first.contributors) == [False, True, True]


def test_a_followees_hated_item_sinks_below_neutral_ones(user, other_user, catalog, follow, rate):
    follow(user, other_user)
    best = catalog[4]  # the top-quality item
    rate(other_user, best, 0.5)

    page = feed(user)

    entry = next(e for e in page.entries if e.item == best)
    assert entry.contributors[0].label == "hated"
    assert entry.components["social"] < 0
    assert titles(page).index(best.title) > 0


def test_items_the_user_rated_or_reviewed_are_never_shown(
    user, other_user, catalog, follow, rate, review
):
    follow(user, other_user)
    rated, reviewed = catalog[4], catalog[9]
    for thing in (rated, reviewed):
        review(other_user, thing, BATTERY, 5, 0.9)
    rate(user, rated, 3)
    review(user, reviewed, "Not for me at all.", None, -0.8)

    shown = titles(feed(user, page_size=100))

    assert rated.title not in shown and reviewed.title not in shown
    assert len(shown) == len(catalog) - 2


def test_one_prolific_followee_cannot_fill_a_page(
    settings, user, other_user, make_user, make_item, follow, review
):
    settings.SENTIREC = {"FEED_MAX_PER_FOLLOWEE": 2, "FEED_PAGE_SIZE": 4}
    follow(user, other_user)
    theirs = [make_item(f"Bob's pick {n}") for n in range(6)]
    for thing in theirs:
        review(other_user, thing, BATTERY, 5, 0.95)
    for n in range(4):
        review(make_user(f"critic{n}"), make_item(f"Other {n}"), "Fine, I suppose.", 3, 0.1)

    first, second = feed(user), feed(user, page=2)

    led_by_bob = [
        e for e in first.entries if e.contributors and e.contributors[0].user_id == other_user.pk
    ]
    assert len(first.entries) == 4 and len(led_by_bob) == 2
    assert first.has_next and second.page == 2
    assert not {e.item.pk for e in first.entries} & {e.item.pk for e in second.entries}


def test_a_newcomer_gets_top_items_and_people_to_follow(make_user, catalog):
    newcomer = make_user("newcomer")

    page = feed(newcomer)

    assert page.cold_start and page.user_id == newcomer.pk
    scores = [e.item.sentirec_stats.weighted_score for e in page.entries]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(catalog)
    assert {e.reason for e in page.entries} <= {"quality", "freshness"}
    suggested = [s.username for s in page.who_to_follow]
    assert suggested and set(suggested) <= {"stranger0", "stranger1", "stranger2"}
    assert all(s.reason.startswith("Active reviewer: 10 ratings") for s in page.who_to_follow)


def test_who_to_follow_prefers_friends_of_friends(user, other_user, make_user, catalog, follow):
    """Following someone silent is still a cold start; their follows are suggested first."""
    follow(user, other_user)
    friend_of_friend = make_user("dora")
    follow(other_user, friend_of_friend)

    page = feed(user)

    assert page.cold_start
    assert page.who_to_follow[0].username == "dora"
    assert page.who_to_follow[0].reason == "Followed by 1 person you follow"


@pytest.mark.parametrize("visitor", [None, AnonymousUser()])
def test_visitors_get_the_top_items(visitor, catalog):
    page = feed(visitor)

    assert page.user_id is None and page.cold_start
    assert page.entries[0].item.sentirec_stats.weighted_score == max(
        i.sentirec_stats.weighted_score for i in catalog
    )
    assert page.who_to_follow


def test_pages_past_the_end_are_empty(user, catalog):
    page = feed(user, page=3, page_size=5)

    assert page.entries == [] and not page.has_next


@pytest.mark.parametrize("page, size", [(0, 10), (1, 0), (1, 101), ("2", 10)])
def test_bad_paging_is_refused(user, page, size):
    with pytest.raises(ValueError):
        feed(user, page=page, page_size=size)


def test_only_the_most_recent_opinions_are_candidates(
    settings, user, make_user, make_item, follow, rate
):
    """Half of FEED_CANDIDATE_LIMIT opinions, the newest: read from the most recently
    active followees only, which loses none of them."""
    settings.SENTIREC = {"FEED_CANDIDATE_LIMIT": 8}
    friends = [make_user(f"friend{n}") for n in range(6)]
    for friend in friends:
        follow(user, friend)
    for n, friend in enumerate(friends):  # friend5 is the most recent
        rate(friend, make_item(f"Pick {n}"), 4.5)
    rate(friends[0], make_item("Pick 6"), 4.5)  # friend0 is active again

    social = {e.item.title for e in feed(user, page_size=20).entries if e.contributors}

    assert social == {"Pick 6", "Pick 5", "Pick 4", "Pick 3"}
