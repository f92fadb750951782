"""Bad input gets a clear message from forms, the API and the admin; nothing half-saved."""

import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from sentirec.api.serializers import FollowSerializer, RatingSerializer, ReviewSerializer
from sentirec.forms import RatingForm, ReviewForm
from sentirec.models import Follow, Rating, Review

pytestmark = pytest.mark.django_db

BAD_TEXTS = [
    ("", "cannot be empty"),
    ("   \n\t ", "cannot be empty"),
    ("nul \x00 inside", "Null characters"),
    ("x" * 10_001, "limit is 10000"),
]


def messages(errors) -> str:
    return str(errors)


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_review_form_rejects_bad_text(user, item, text, message):
    form = ReviewForm(data={"text": text, "title": ""}, user=user, item=item)
    assert not form.is_valid()
    # Django's own "required" message covers the empty string before our validator runs.
    assert message in messages(form.errors) or "required" in messages(form.errors)
    assert not Review.objects.exists()


def test_review_text_limit_follows_the_setting(user, item, settings):
    settings.SENTIREC = {"MAX_REVIEW_CHARS": 20}
    form = ReviewForm(data={"text": "y" * 21}, user=user, item=item)
    assert not form.is_valid()
    assert "limit is 20" in messages(form.errors)


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_review_api_rejects_bad_text(user, item, text, message):
    request = APIRequestFactory().post("/")
    request.user = user
    serializer = ReviewSerializer(
        data={"item": item.pk, "text": text}, context={"request": request}
    )
    assert not serializer.is_valid()
    errors = messages(serializer.errors)
    assert any(word in errors for word in (message, "blank", "Null characters"))


@pytest.mark.parametrize("stars", ["0", "5.5", "2.3", "-1", "abc", "NaN"])
def test_out_of_range_stars_rejected_by_form_and_api(user, item, stars):
    form = RatingForm(data={"rating-stars": stars}, user=user, item=item)
    assert not form.is_valid() and "stars" in form.errors
    request = APIRequestFactory().post("/")
    request.user = user
    serializer = RatingSerializer(
        data={"item": item.pk, "stars": stars}, context={"request": request}
    )
    assert not serializer.is_valid()
    assert "stars" in serializer.errors
    assert not Rating.objects.exists()


def test_second_review_of_same_item_gets_a_message(user, item):
    Review.objects.create(user=user, item=item, text="first")
    form = ReviewForm(data={"text": "second"}, user=user, item=item)
    assert not form.is_valid()
    assert "already reviewed" in messages(form.errors)
    request = APIRequestFactory().post("/")
    request.user = user
    serializer = ReviewSerializer(
        data={"item": item.pk, "text": "second"}, context={"request": request}
    )
    assert not serializer.is_valid()
    assert "already reviewed" in messages(serializer.errors)
    assert Review.objects.count() == 1


def test_self_follow_and_double_follow_messages(user, other_user):
    request = APIRequestFactory().post("/")
    request.user = user
    self_follow = FollowSerializer(data={"followee": user.pk}, context={"request": request})
    assert not self_follow.is_valid()
    assert "cannot follow yourself" in messages(self_follow.errors)
    Follow.objects.create(follower=user, followee=other_user)
    twice = FollowSerializer(data={"followee": other_user.pk}, context={"request": request})
    assert not twice.is_valid()
    assert "already follow" in messages(twice.errors)


def test_admin_rejects_bad_review_with_a_message(staff_client, user, item):
    response = staff_client.post(
        reverse("admin:sentirec_review_add"),
        {"user": user.pk, "item": item.pk, "text": "bad \x00 text", "title": "", "stars": "9"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Null characters are not allowed" in body
    assert "between 0.5 and 5" in body
    assert not Review.objects.exists()


def test_admin_rejects_self_follow_and_duplicate(staff_client, user, other_user):
    url = reverse("admin:sentirec_follow_add")
    response = staff_client.post(
        url,
        {"follower": user.pk, "followee": user.pk, "created_0": "2026-01-01", "created_1": "00:00"},
    )
    assert "You cannot follow yourself" in response.content.decode()
    Follow.objects.create(follower=user, followee=other_user)
    response = staff_client.post(
        url,
        {
            "follower": user.pk,
            "followee": other_user.pk,
            "created_0": "2026-01-01",
            "created_1": "00:00",
        },
    )
    assert "already follow this user" in response.content.decode()
    assert Follow.objects.count() == 1
