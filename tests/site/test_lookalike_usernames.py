"""Sign-up refuses a username that looks like an existing one (Unicode confusables after
NFKC), so nobody can make a profile page that passes for someone else's."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from sentirec.usernames import skeleton

pytestmark = pytest.mark.django_db

PASSWORD = "an-unusual-pass-phrase-9"


def sign_up(client, username: str):
    return client.post(
        "/signup/", {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )


@pytest.mark.parametrize(
    ("taken", "lookalike"),
    [
        ("demo", "d\u0435mo"),  # Cyrillic ie
        ("admin", "\u0430dmin"),  # Cyrillic a
        ("alice", "a1ice"),  # digit one for l
        ("Bob", "b\u03bfb"),  # Greek omicron, another case
        ("paypal", "p\u0430yp\u0430l"),
    ],
)
def test_a_name_that_looks_like_an_existing_one_is_refused(client, make_user, taken, lookalike):
    make_user(taken)
    response = sign_up(client, lookalike)
    assert response.status_code == 400
    page = response.content.decode()
    assert "looks the same as the existing username" in page and taken in page
    assert not get_user_model().objects.exclude(username=taken).exists()


@pytest.mark.parametrize("same", ["ALICE", "\uff41\uff4c\uff49\uff43\uff45"])
def test_the_same_name_in_another_case_or_width_is_taken(client, make_user, same):
    make_user("alice")
    response = sign_up(client, same)  # full-width letters are NFKC-normalised first
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_distinct_names_are_accepted(client, make_user):
    make_user("demo")
    assert sign_up(client, "demos").status_code == 302
    assert get_user_model().objects.filter(username="demos").exists()


def test_skeletons():
    assert skeleton("d\u0435mo") == skeleton("demo")
    assert skeleton("\u0430dmin") == skeleton("admin")
    assert skeleton("admin") != skeleton("admins")
