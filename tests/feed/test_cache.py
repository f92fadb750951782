"""Feed pages are cached, and a page goes stale exactly when something it shows changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django_redis.cache import RedisCache

from sentirec.feeds.feed import feed
from sentirec.models import Follow, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(user, other_user, make_item, make_user, rate, commits):
    """alice follows nobody yet; bob loved a phone; strangers rated a few other things."""
    phone = make_item("Phone")
    with commits():
        rate(other_user, phone, 5)
        for n in range(3):
            rate(make_user(f"stranger{n}"), make_item(f"Thing {n}"), 3)
    return phone


def shown(page) -> list[str]:
    return [e.item.title for e in page.entries]


@pytest.mark.services
def test_the_cache_is_redis_when_the_site_has_redis():
    """Skipped without Redis like every ``services`` test, and a failure in CI."""
    assert django_settings.REDIS_CACHE_URL
    assert isinstance(caches["default"], RedisCache)  # django-redis, failing soft
    assert caches["default"]._ignore_exceptions


def test_a_second_read_is_served_from_the_cache(user, scene, django_assert_num_queries):
    first = feed(user)

    with django_assert_num_queries(0):
        again = feed(user)
        stars = [e.item.sentirec_stats.average_stars for e in again.entries]

    assert again.generated_at == first.generated_at
    assert shown(again) == shown(first) and None not in stars


def test_turning_the_cache_off(settings, user, scene, django_assert_max_num_queries):
    settings.SENTIREC = {"FEED_CACHE_SECONDS": 0}
    first = feed(user)

    assert feed(user).generated_at > first.generated_at


def test_following_and_unfollowing_invalidate(user, other_user, scene, follow, commits):
    assert feed(user).cold_start

    with commits():
        follow(user, other_user)
    followed = feed(user)

    assert not followed.cold_start and followed.entries[0].item == scene
    with commits():
        Follow.objects.filter(follower=user, followee=other_user).delete()
    assert feed(user).cold_start


def test_a_followees_new_opinion_invalidates(user, other_user, scene, follow, make_item, commits):
    with commits():
        follow(user, other_user)
    before = feed(user)
    tablet = make_item("Tablet")

    with commits():
        Rating.objects.create(user=other_user, item=tablet, stars=Decimal("4.5"))

    after = feed(user)
    assert "Tablet" not in shown(before) and "Tablet" in shown(after)
    assert after.generated_at > before.generated_at


def test_a_followees_edited_opinion_invalidates(user, other_user, scene, follow, commits):
    with commits():
        follow(user, other_user)
    assert feed(user).entries[0].contributors[0].label == "loved"

    with commits():
        rating = Rating.objects.get(user=other_user, item=scene)
        rating.stars = Decimal("0.5")
        rating.save()

    (entry,) = [e for e in feed(user).entries if e.item == scene]
    assert entry.contributors[0].label == "hated"


def test_the_users_own_opinion_hides_the_item(user, other_user, scene, follow, rate, commits):
    with commits():
        follow(user, other_user)
    assert "Phone" in shown(feed(user))

    with commits():
        rate(user, scene, 4)

    assert "Phone" not in shown(feed(user))


def test_a_stranger_opinion_leaves_the_page_cached(user, other_user, scene, follow, commits):
    with commits():
        follow(user, other_user)
    first = feed(user)

    with commits():
        Rating.objects.create(
            user=get_user_model().objects.get(username="stranger0"), item=scene, stars=1
        )

    assert feed(user).generated_at == first.generated_at


def test_invalidating_an_author_costs_the_same_with_1000_followers(
    make_user, make_item, commits, django_assert_max_num_queries
):
    """The cache bump for an author's opinion is one write, not one per follower."""
    quiet, famous = make_user("quiet"), make_user("famous")
    User = get_user_model()
    fans = User.objects.bulk_create(User(username=f"fan{n}", password="!") for n in range(1000))
    Follow.objects.bulk_create(Follow(follower=fan, followee=famous) for fan in fans)
    feeds = [feed(fan) for fan in fans[:3]]
    a, b = make_item("A"), make_item("B")

    with commits(), django_assert_max_num_queries(3) as quiet_queries:
        Rating.objects.create(user=quiet, item=a, stars=4)
    with commits(), django_assert_max_num_queries(3) as famous_queries:
        Rating.objects.create(user=famous, item=b, stars=4)

    assert len(quiet_queries) == len(famous_queries)
    for fan, old in zip(fans[:3], feeds, strict=True):
        assert feed(fan).generated_at > old.generated_at


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_a_per_process_cache_with_workers_elsewhere_caches_no_pages(settings, user, scene):
    """A worker's new scores would bump tokens in its own cache only: pages kept the old
    sentiment for FEED_CACHE_SECONDS. Such a site computes every page instead."""
    from socialsite.celery import app

    settings.CACHES = LOCMEM
    app.conf.task_always_eager = False  # a broker and workers (the autouse fixture restores)
    first = feed(user)
    assert feed(user).generated_at > first.generated_at


def test_a_per_process_cache_with_in_process_tasks_still_caches(settings, user, scene):
    settings.CACHES = LOCMEM  # tasks eager: every bump happens in this process
    first = feed(user)
    assert feed(user).generated_at == first.generated_at
