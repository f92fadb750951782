"""The invariants hold in the database itself, whatever code path writes the rows."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from sentirec.models import Follow, Rating, Review, SentimentModel

pytestmark = pytest.mark.django_db


def assert_refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_one_review_per_user_and_item(user, item):
    Review.objects.create(user=user, item=item, text="Great battery.")
    assert_refused(lambda: Review.objects.create(user=user, item=item, text="Again."))


@pytest.mark.parametrize("stars", ["0", "5.5", "2.3", "-1"])
def test_stars_out_of_range_refused(user, item, stars):
    assert_refused(lambda: Rating.objects.create(user=user, item=item, stars=Decimal(stars)))
    assert_refused(
        lambda: Review.objects.create(user=user, item=item, text="ok", stars=Decimal(stars))
    )


@pytest.mark.parametrize("stars", ["0.5", "1", "3.5", "5"])
def test_half_steps_from_half_to_five_accepted(user, item, stars):
    Rating.objects.create(user=user, item=item, stars=Decimal(stars))
    assert Rating.objects.get().stars == Decimal(stars)


def test_blank_review_text_refused(user, item):
    assert_refused(lambda: Review.objects.create(user=user, item=item, text="   "))


def test_self_follow_and_double_follow_refused(user, other_user):
    assert_refused(lambda: Follow.objects.create(follower=user, followee=user))
    Follow.objects.create(follower=user, followee=other_user)
    assert_refused(lambda: Follow.objects.create(follower=user, followee=other_user))


def test_at_most_one_active_sentiment_model():
    assert SentimentModel.objects.filter(is_active=True).exists()  # the shipped model
    SentimentModel.objects.update(is_active=False)
    SentimentModel.objects.create(version="a", architecture="cnn", file="a.pt", is_active=True)
    SentimentModel.objects.create(version="b", architecture="cnn", file="b.pt")
    assert_refused(
        lambda: SentimentModel.objects.create(
            version="c", architecture="cnn", file="c.pt", is_active=True
        )
    )


def test_score_and_confidence_ranges(user, item):
    review = Review.objects.create(user=user, item=item, text="fine")
    assert_refused(lambda: Review.objects.filter(pk=review.pk).update(sentiment_score=1.5))
    assert_refused(lambda: Review.objects.filter(pk=review.pk).update(sentiment_confidence=-0.1))


def test_editing_text_sends_review_back_to_pending(user, item):
    review = Review.objects.create(user=user, item=item, text="fine")
    Review.objects.filter(pk=review.pk).update(sentiment_status="scored", sentiment_attempts=2)
    review.refresh_from_db()
    review.title = "A title"
    review.save()
    review.refresh_from_db()
    assert review.sentiment_status == "scored"  # title edits keep the score
    review.text = "actually terrible"
    review.save()
    review.refresh_from_db()
    assert (review.sentiment_status, review.sentiment_attempts) == ("pending", 0)
