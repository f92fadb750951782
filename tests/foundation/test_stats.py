"""ItemStats follow every change to ratings and reviews."""

from decimal import Decimal

import pytest

from sentirec.models import ItemStats, Rating, Review
from sentirec.services.stats import refresh_item_stats

pytestmark = pytest.mark.django_db


def stats(item) -> ItemStats:
    return ItemStats.objects.get(item=item)


def test_rating_creates_updates_and_deletes_stats(
    user, other_user, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Rating.objects.create(user=user, item=item, stars=Decimal("5"))
        Rating.objects.create(user=other_user, item=item, stars=Decimal("2"))
    assert (stats(item).rating_count, stats(item).average_stars) == (2, 3.5)
    with django_capture_on_commit_callbacks(execute=True):
        Rating.objects.filter(user=other_user).get().delete()
    assert (stats(item).rating_count, stats(item).average_stars) == (1, 5.0)


def test_review_stars_become_the_users_rating(user, item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = Review.objects.create(user=user, item=item, text="Fine.", stars=Decimal("4"))
    assert Rating.objects.get(user=user, item=item).stars == Decimal("4")
    with django_capture_on_commit_callbacks(execute=True):
        rating = Rating.objects.get(user=user, item=item)
        rating.stars = Decimal("2.5")
        rating.save()
    review.refresh_from_db()
    assert review.stars == Decimal("2.5")
    assert stats(item).review_count == 1


def test_sentiment_counts_and_bayesian_score(make_user, make_item):
    """One glowing review does not beat thirty good ones on a site of mixed opinions."""
    good, loved_once = make_item("Good"), make_item("Loved once")
    mediocre = [make_item(f"Mediocre {n}") for n in range(10)]
    users = [make_user() for _ in range(30)]
    for author in users:
        Rating.objects.create(user=author, item=good, stars=Decimal("4.5"))
        for other in mediocre:
            Rating.objects.create(user=author, item=other, stars=Decimal("2.5"))
    Review.objects.create(user=users[0], item=loved_once, text="Perfect!", stars=Decimal("5"))
    everything = [good.pk, loved_once.pk, *(item.pk for item in mediocre)]
    refresh_item_stats(everything)
    refresh_item_stats(everything)  # the second pass shrinks toward the site's mean
    assert stats(loved_once).mean_opinion > stats(good).mean_opinion
    assert stats(good).weighted_score > stats(loved_once).weighted_score


def test_the_site_mean_counts_the_items_own_new_opinions(
    user, item, django_capture_on_commit_callbacks
):
    """A 5-star item must not be shrunk toward its own old stats: on a site where it is
    the only item, its weighted score is its opinion (it was -0.67, toward the old -1)."""
    with django_capture_on_commit_callbacks(execute=True):
        rating = Rating.objects.create(user=user, item=item, stars=Decimal("0.5"))
    assert stats(item).weighted_score == pytest.approx(-1.0)
    with django_capture_on_commit_callbacks(execute=True):
        rating.stars = Decimal("5")
        rating.save()
    assert stats(item).mean_opinion == pytest.approx(1.0)
    assert stats(item).weighted_score == pytest.approx(1.0)


def test_one_refresh_shrinks_toward_the_current_site_mean(make_user, make_item):
    """Refreshing every item at once uses the mean of the values it writes, not the
    stored ones (before, a second refresh was needed)."""
    liked, disliked = make_item("Liked"), make_item("Disliked")
    authors = [make_user() for _ in range(3)]
    for author in authors:
        Rating.objects.create(user=author, item=liked, stars=Decimal("5"))
    Rating.objects.create(user=authors[0], item=disliked, stars=Decimal("0.5"))
    ItemStats.objects.all().delete()  # as after an import: nothing stored yet
    refresh_item_stats([liked.pk, disliked.pk])
    once = {pk: stats(pk).weighted_score for pk in (liked.pk, disliked.pk)}
    refresh_item_stats([liked.pk, disliked.pk])
    assert {pk: stats(pk).weighted_score for pk in once} == pytest.approx(once)
    assert once[liked.pk] == pytest.approx((3 + 5 * 0.5) / (3 + 5))  # site mean (3 - 1) / 4
