"""The feed reads like a feed: an order that never goes back up across pages, followees
who have nothing new are named, suggestions stay, each quote carries its person's stars
and date."""

from __future__ import annotations

import itertools

from sentirec.feeds.feed import feed

BATTERY = "I charged it on Monday and honestly the battery lasts forever, which I love."


def test_a_later_page_never_opens_above_an_earlier_pages_last_score(
    settings, user, other_user, make_user, make_item, follow, review, rate
):
    settings.SENTIREC = {"FEED_MAX_PER_FOLLOWEE": 1, "FEED_PAGE_SIZE": 2}
    follow(user, other_user)
    for n in range(3):
        review(other_user, make_item(f"Bob's pick {n}"), BATTERY, 5, 0.95)
    critic = make_user("critic")
    for n in range(4):
        rate(critic, make_item(f"Fine thing {n}"), 3 + n % 2)

    pages = [feed(user, page=n) for n in range(1, 6)]
    scores = [[e.score for e in page.entries] for page in pages]

    flat = [s for page in scores for s in page]
    assert len(flat) == 7
    assert flat == sorted(flat, reverse=True)
    for before, after in itertools.pairwise(s for s in scores if s):
        assert after[0] <= before[-1]
    assert [p.start for p in pages[:3]] == [0, 2, 4]


def test_followees_with_nothing_new_are_named_with_the_reason(
    user, other_user, make_user, make_item, follow, review, rate
):
    seen, silent, active = other_user, make_user("silent"), make_user("active")
    for person in (seen, silent, active):
        follow(user, person)
    shared = make_item("Shared thing")
    review(seen, shared, BATTERY, 5, 0.9)
    rate(user, shared, 4)
    review(active, make_item("New thing"), BATTERY, 5, 0.9)

    page = feed(user)

    assert [(q.username, q.why) for q in page.quiet] == [
        ("bob", "seen_all"),
        ("silent", "nothing_yet"),
    ]
    assert feed(user, page=2).quiet == []


def test_people_to_follow_stay_after_the_first_follow(
    user, other_user, make_user, make_item, follow, rate
):
    thing = make_item("Popular thing")
    raters = [make_user(f"rater{n}") for n in range(4)]
    for person in [other_user, *raters]:
        rate(person, thing, 5)
    follow(user, other_user)
    page = feed(user)

    suggested = {s.username for s in page.who_to_follow}
    assert suggested and "bob" not in suggested and "alice" not in suggested


def test_each_quote_carries_its_persons_name_stars_and_date(user, other_user, item, follow, review):
    other_user.first_name, other_user.last_name = "Bob", "Baker"
    other_user.save()
    follow(user, other_user)
    written = review(other_user, item, BATTERY, 4, 0.9, highlights=["love"])

    (bob,) = feed(user).entries[0].contributors

    assert (bob.username, bob.display_name, bob.stars) == ("bob", "Bob Baker", 4.0)
    assert abs((bob.date - written.updated).total_seconds()) < 60  # its rating's time
