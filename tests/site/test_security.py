"""The security rules for the pages, for a visitor, the owner, another user and staff:
login to post, owners only, CSRF on every form, escaped text, password validation."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sentirec.models import Follow, Rating, Review

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def review(user, item, write_review):
    return write_review(user, item, "Alice's own words.", stars=4)


def post_urls(item, username: str = "bob") -> dict[str, str]:
    return {
        "review-save": reverse("sentirec:review-save", args=[item.pk]),
        "review-delete": reverse("sentirec:review-delete", args=[item.pk]),
        "rating-save": reverse("sentirec:rating-save", args=[item.pk]),
        "follow": reverse("sentirec:follow", args=[username]),
        "unfollow": reverse("sentirec:unfollow", args=[username]),
    }


@pytest.mark.parametrize(
    "name",
    ["review-save", "review-delete", "rating-save", "follow", "unfollow"],
)
def test_visitors_are_sent_to_log_in_and_change_nothing(client, review, other_user, item, name):
    before = (Review.objects.count(), Rating.objects.count(), Follow.objects.count())
    response = client.post(post_urls(item)[name], {"text": "x", "stars": "5", "rating-stars": "5"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert (Review.objects.count(), Rating.objects.count(), Follow.objects.count()) == before


def test_a_user_creates_edits_and_deletes_only_their_own_review(client, user, item, review):
    client.force_login(user)
    url = post_urls(item)["review-save"]
    response = client.post(url, {"text": "Changed my mind: great.", "stars": "5"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.text == "Changed my mind: great." and review.sentiment_status == "pending"
    assert Rating.objects.get(user=user, item=item).stars == 5  # stars synced by the signal
    assert client.post(post_urls(item)["review-delete"]).status_code == 302
    assert not Review.objects.filter(pk=review.pk).exists()


@pytest.mark.parametrize("who", ["other", "staff"])
def test_nobody_else_can_change_or_delete_a_review(client, other_user, staff, item, review, who):
    """Forms only ever address the signed-in user's own review: another user's (or
    staff's) post writes their own review, and their delete finds nothing of theirs."""
    actor = other_user if who == "other" else staff
    client.force_login(actor)
    assert client.post(post_urls(item)["review-delete"]).status_code == 404
    client.post(post_urls(item)["review-save"], {"text": "Hijacked!", "stars": "1"})
    client.post(post_urls(item)["rating-save"], {"rating-stars": "1"})
    review.refresh_from_db()
    assert review.text == "Alice's own words." and review.stars == 4
    assert Rating.objects.get(user=review.user, item=item).stars == 4
    assert Review.objects.get(user=actor, item=item).text == "Hijacked!"


def test_every_form_carries_a_csrf_token(client, user, other_user, item, review):
    client.force_login(other_user)
    pages = [
        reverse("sentirec:item-detail", args=[item.pk]),
        reverse("sentirec:profile", args=["alice"]),
        reverse("sentirec:home"),
    ]
    client.force_login(user)  # alice sees her own review's edit and delete forms
    for url in pages:
        html = client.get(url).content.decode()
        forms = re.findall(r'<form[^>]*method="post".*?</form>', html, flags=re.S)
        assert forms, url
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, (url, form[:200])
    client.logout()
    for url in (reverse("sentirec:signup"), reverse("login")):
        assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["review-save", "review-delete", "rating-save", "follow"])
def test_posts_without_a_csrf_token_are_refused(user, other_user, item, review, name):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(post_urls(item)[name], {"text": "forged", "rating-stars": "1"})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.text == "Alice's own words."
    assert not Follow.objects.exists()


def test_signup_without_a_csrf_token_is_refused():
    strict = Client(enforce_csrf_checks=True)
    data = {
        "username": "mallory",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
    }
    assert strict.post(reverse("sentirec:signup"), data).status_code == 403
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_review_text_and_title_are_always_escaped(client, user, other_user, item, write_review):
    write_review(user, item, f"Look: {XSS}", title=XSS, highlights=("look", XSS, "<script>"))
    Follow.objects.create(follower=other_user, followee=user)
    client.force_login(other_user)
    for url in (
        reverse("sentirec:item-detail", args=[item.pk]),
        reverse("sentirec:profile", args=["alice"]),
        reverse("sentirec:home"),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url


def test_item_titles_are_escaped_too(client, make_item):
    item = make_item(XSS, category="<b>cat</b>")
    for url in (reverse("sentirec:item-detail", args=[item.pk]), reverse("sentirec:item-list")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>cat</b>" not in html


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("12345678901", "This password is entirely numeric."),
        ("short", "This password is too short."),
        ("mallory12", "The password is too similar to the username."),
    ],
)
def test_signup_validates_passwords_next_to_the_field(client, password, message):
    data = {"username": "mallory", "password1": password, "password2": password}
    response = client.post(reverse("sentirec:signup"), data)
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(r'<ul class="field__errors" id="id_password2_errors">(.*?)</ul>', html, re.S)
    assert errors and message in errors[1]
    assert 'aria-describedby="id_password2_help id_password2_errors"' in html or (
        'aria-describedby="id_password2_errors"' in html
    )
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_signup_with_a_good_password_logs_in(client):
    data = {"username": "mallory", "password1": "plum-orchard-27", "password2": "plum-orchard-27"}
    response = client.post(reverse("sentirec:signup"), data)
    assert response.status_code == 302 and response.url == reverse("sentirec:home")
    assert client.get(reverse("sentirec:home")).context["user"].username == "mallory"


def test_you_cannot_follow_yourself(client, user):
    client.force_login(user)
    response = client.post(reverse("sentirec:follow", args=["alice"]), follow=True)
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()


def test_login_and_logout(client, user):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "a-long-pass-phrase-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("sentirec:home")).context["user"].is_authenticated
    assert client.post(reverse("logout")).status_code == 302
    assert not client.get(reverse("sentirec:home")).context["user"].is_authenticated
    bad = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert bad.status_code == 200 and "correct username and password" in bad.content.decode()
