"""The feed page: numbered cards with a label saying why, a line for followees with nothing
new, a real end of the feed, and score bars centred on 0."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from sentirec.models import Follow, Rating

pytestmark = pytest.mark.django_db


def bar(value: float) -> str:
    return Template("{% load sentirec_ui %}{% diverging v %}").render(Context({"v": value}))


def test_score_bars_are_centred_on_zero():
    assert "diverging__fill" not in bar(0.0)
    assert 'diverging__fill--positive" style="width: 25.0%"' in bar(0.5)
    assert 'diverging__fill--negative" style="width: 40.0%"' in bar(-0.8)
    assert 'style="width: 50.0%"' in bar(3.0)


def test_a_page_past_the_end_says_so(client, user, other_user, item, write_review):
    write_review(other_user, item)
    Follow.objects.create(follower=user, followee=other_user)
    client.force_login(user)

    last = client.get(reverse("sentirec:home")).content.decode()
    past = client.get(reverse("sentirec:home"), {"page": 5}).content.decode()

    assert "That is everything for now" in last
    assert "You have reached the end of your feed" in past
    assert "write the first review" not in past


def test_cards_are_numbered_and_labelled_with_why(client, user, other_user, item, write_review):
    write_review(other_user, item, stars=5)
    Follow.objects.create(follower=user, followee=other_user)
    client.force_login(user)

    html = client.get(reverse("sentirec:home")).content.decode()

    assert 'data-position="1"' in html and ">#1<" in html
    assert "From people you follow" in html
    assert re.search(r'<time class="muted" datetime="[^"]+">', html)  # the quote's date
    assert 'aria-label="5 out of 5 stars"' in html.split('class="contributors"')[1]


def test_followees_who_have_nothing_new_are_named(client, user, other_user, item, write_review):
    write_review(other_user, item)
    Rating.objects.create(user=user, item=item, stars=3)
    Follow.objects.create(follower=user, followee=other_user)
    client.force_login(user)

    html = client.get(reverse("sentirec:home")).content.decode()

    note = html.split('data-quiet="seen_all"')[1].split("</p>")[0]
    assert ">bob</a>" in note and "already rated or reviewed everything" in note
