"""The people directory: search by username and name, and a follow button beside every
person listed, there and on profiles' follower and following lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentirec.models import Follow
from tests.html_forms import forms

pytestmark = pytest.mark.django_db


def follow_actions(html: str) -> dict[str, str]:
    """username -> "follow" or "unfollow", from the forms on the page."""
    found = {}
    for form in forms(html):
        parts = form.action.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "people" and parts[2] in ("follow", "unfollow"):
            found[parts[1]] = parts[2]
    return found


def test_directory_searches_usernames_and_names(client, make_user):
    make_user("ada", first_name="Ada", last_name="Lovelace")
    make_user("grace", first_name="Grace", last_name="Hopper")
    make_user("lovely")

    def found(q: str) -> list[str]:
        response = client.get(reverse("sentirec:people"), {"q": q})
        assert response.status_code == 200
        return sorted(p.get_username() for p in response.context["page"])

    assert found("lovel") == ["ada", "lovely"]
    assert found("hopper") == ["grace"]
    assert found("GRACE hop") == ["grace"]
    assert "Ada Lovelace" in client.get(reverse("sentirec:people")).content.decode()


def test_directory_refuses_a_bad_query_with_a_message(client):
    response = client.get(reverse("sentirec:people"), {"q": "x\x00"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_every_person_listed_has_a_follow_or_unfollow_button(client, user, make_user):
    bob, carol = make_user("bob"), make_user("carol")
    Follow.objects.create(follower=user, followee=bob)
    Follow.objects.create(follower=carol, followee=user)
    client.force_login(user)

    directory = client.get(reverse("sentirec:people")).content.decode()
    profile = reverse("sentirec:profile", args=["alice"])
    following = client.get(profile, {"tab": "following"}).content.decode()
    followers = client.get(profile, {"tab": "followers"}).content.decode()

    assert follow_actions(directory) == {"bob": "unfollow", "carol": "follow"}
    assert follow_actions(following) == {"bob": "unfollow"}
    assert follow_actions(followers) == {"carol": "follow"}


def test_following_from_the_directory_comes_back_to_it(client, user, other_user):
    client.force_login(user)
    back = reverse("sentirec:people") + "?q=bo"
    response = client.post(reverse("sentirec:follow", args=["bob"]), {"next": back})
    assert response.status_code == 302 and response.url == back
    assert Follow.objects.filter(follower=user, followee=other_user).exists()


def test_display_names_come_from_what_the_user_model_offers(make_user):
    from sentirec.services.people import display_name

    class Reader:
        def __str__(self) -> str:
            return "Ruth R."

        def get_username(self) -> str:
            return "ruth@example.com"

    assert display_name(make_user("ada", first_name="Ada", last_name="Lovelace")) == "Ada Lovelace"
    assert display_name(make_user("plain")) == "plain"
    assert display_name(Reader()) == "Ruth R."  # no get_full_name: the model's own str()
