"""The demo: its printed login lands on a feed of real review texts, with sentiment
badges and explanations (reviews marked scored here as the scoring service would)."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from sentirec.models import Review
from sentirec.services.demo import DEMO_USER, load_demo
from sentirec.services.stats import refresh_all_item_stats


@pytest.fixture
def demo_data(db):
    load_demo()
    now = timezone.now()
    scored = {"sentiment_status": "scored", "sentiment_confidence": 0.9, "sentiment_scored_at": now}
    Review.objects.filter(stars__gte=3).update(
        sentiment_label="positive", sentiment_score=0.8, **scored
    )
    Review.objects.filter(stars__lt=3).update(
        sentiment_label="negative", sentiment_score=-0.8, **scored
    )
    refresh_all_item_stats()


def test_the_demo_login_lands_on_an_explained_feed(client, demo_data):
    response = client.post(
        reverse("login"),
        {"username": DEMO_USER.username, "password": DEMO_USER.password},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("sentirec:home")
    page = response.context["feed"]
    assert not page.cold_start and len(page.entries) >= 10
    html = response.content.decode()
    assert html.count('class="feed-card card"') == len(page.entries)
    assert html.count('class="badge badge--') >= len(page.entries) // 2
    quoted = [c for entry in page.entries for c in entry.contributors if c.excerpt]
    assert quoted, "the feed quotes what people wrote"
    words = quoted[0].excerpt.strip(".")[:40]
    assert Review.objects.filter(Q(text__contains=words)).exists()  # a real review's text
    for entry in page.entries:
        assert entry.explanation
