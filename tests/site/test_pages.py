"""Each page shows what the issue promises, to visitors and to signed-in users."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentirec.models import Follow, Review

pytestmark = pytest.mark.django_db


def test_visitor_home_shows_top_items_and_a_way_in(client, user, item, write_review):
    write_review(user, item, "The battery lasts forever. Great phone.")
    page = client.get(reverse("sentirec:home"))
    assert page.status_code == 200
    assert page.context["feed"].cold_start
    html = page.content.decode()
    assert "Top items" in html and item.title in html
    assert reverse("sentirec:signup") in html


def test_follower_home_explains_each_item_with_the_followees_words(
    client, user, other_user, item, write_review
):
    write_review(
        other_user,
        item,
        "The battery lasts forever. I love it.",
        stars=5,
        highlights=("love", "forever"),
        score=0.95,
    )
    Follow.objects.create(follower=user, followee=other_user)
    client.force_login(user)
    page = client.get(reverse("sentirec:home"))
    assert page.status_code == 200
    feed = page.context["feed"]
    assert not feed.cold_start
    entry = next(e for e in feed.entries if e.item.pk == item.pk)
    assert entry.contributors[0].username == "bob"
    html = page.content.decode()
    assert "Your feed" in html
    assert entry.explanation.startswith("bob loved this")
    marked = "The battery lasts <mark>forever</mark>. I <mark>love</mark> it."
    card = html.split('class="feed-card card"')[1]
    assert f"“{marked}”" in card and card.count(">bob<") == 1  # the person once, with the quote
    assert 'class="feeling feeling--loved"' in html
    assert 'class="badge badge--positive"' in html.split('class="contributors"')[1]


def test_item_page_shows_stats_badges_highlights_and_pending(
    client, user, other_user, item, write_review
):
    write_review(user, item, "Great screen, reliable battery.", stars=5)
    write_review(other_user, item, "Still thinking about it.", stars=3, label=None)
    page = client.get(reverse("sentirec:item-detail", args=[item.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<mark>Great</mark> screen, <mark>reliable</mark> battery." in html
    assert "badge--positive" in html and "Positive · 90%" in html
    assert "Sentiment pending" in html
    assert 'data-sentiment-status="pending"' in html
    mix = {part.key: part.count for part in page.context["mix"]}
    assert mix == {"positive": 1, "neutral": 0, "negative": 0, "pending": 1}
    assert "4 out of 5 stars" in html  # the mean of 5 and 3
    assert "Log in</a> or" in html  # a visitor gets no form, but a way to write one


def test_item_page_offers_your_own_review_for_editing(client, user, item, write_review):
    write_review(user, item, "Mine, all mine.", stars=4)
    client.force_login(user)
    html = client.get(reverse("sentirec:item-detail", args=[item.pk])).content.decode()
    assert "Your review" in html and "Mine, all mine.</textarea>" in html
    assert '<option value="4" selected>' in html  # stored as 4.0, chosen again
    assert reverse("sentirec:review-delete", args=[item.pk]) in html


def test_profile_lists_reviews_ratings_followers_and_following(
    client, user, other_user, make_user, item, write_review
):
    write_review(other_user, item, "Bob's words.")
    carol = make_user("carol")
    Follow.objects.create(follower=user, followee=other_user)
    Follow.objects.create(follower=other_user, followee=carol)
    url = reverse("sentirec:profile", args=["bob"])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["counts"] == {"reviews": 1, "ratings": 1, "followers": 1, "following": 1}
    assert "Bob&#x27;s words." in page.content.decode()
    assert [u.username for u in client.get(url, {"tab": "followers"}).context["page"]] == ["alice"]
    assert [u.username for u in client.get(url, {"tab": "following"}).context["page"]] == ["carol"]
    ratings = client.get(url, {"tab": "ratings"}).context["page"]
    assert [r.item_id for r in ratings] == [item.pk]


def test_profile_follow_button_reflects_state(client, user, other_user):
    client.force_login(user)
    url = reverse("sentirec:profile", args=["bob"])
    assert reverse("sentirec:follow", args=["bob"]) in client.get(url).content.decode()
    Follow.objects.create(follower=user, followee=other_user)
    assert reverse("sentirec:unfollow", args=["bob"]) in client.get(url).content.decode()
    own = client.get(reverse("sentirec:profile", args=["alice"])).content.decode()
    assert "This is you" in own and reverse("sentirec:follow", args=["alice"]) not in own


def test_follow_and_unfollow_from_a_page(client, user, other_user):
    client.force_login(user)
    home = reverse("sentirec:home")
    response = client.post(reverse("sentirec:follow", args=["bob"]), {"next": home})
    assert response.status_code == 302 and response.url == home
    assert Follow.objects.filter(follower=user, followee=other_user).exists()
    response = client.post(
        reverse("sentirec:unfollow", args=["bob"]), {"next": "https://evil.test/"}
    )
    assert response.url == reverse("sentirec:profile", args=["bob"])  # no open redirect
    assert not Follow.objects.filter(follower=user, followee=other_user).exists()


def test_browse_searches_filters_and_orders(client, make_item, user, write_review):
    kettle = make_item("Steel Kettle", category="kitchen")
    make_item("Paper Novel", category="books", description="A kettle of fish")
    toaster = make_item("Toaster", category="kitchen")
    write_review(user, toaster, "Great toast.", stars=5)
    url = reverse("sentirec:item-list")
    found = client.get(url, {"q": "KETTLE"}).context["page"]
    assert {i.title for i in found} == {"Steel Kettle", "Paper Novel"}
    found = client.get(url, {"q": "kettle", "category": "kitchen"}).context["page"]
    assert [i.pk for i in found] == [kettle.pk]
    best = client.get(url, {"category": "kitchen", "order": "top"}).context["page"]
    assert [i.pk for i in best] == [toaster.pk, kettle.pk]
    html = client.get(url).content.decode()
    assert '<option value="books">books</option>' in html  # categories offered


def test_about_explains_the_blend_and_credits_the_demo_data(client, make_item):
    html = client.get(reverse("sentirec:about")).content.decode()
    assert "How recommendations are made" in html and "Social" in html
    assert "Blitzer" not in html  # no demo data loaded: no demo credits
    make_item("A book", source="blitzer", external_id="b1")
    html = client.get(reverse("sentirec:about")).content.decode()
    for words in ("Blitzer", "Dredze", "Pereira", "ACL 2007", "Amazon", "follow graph is derived"):
        assert words in html


def test_review_status_endpoint_reports_and_renders(client, user, item, write_review):
    pending = write_review(user, item, "Wait for it <b>now</b>", label=None)
    url = reverse("sentirec:review-status")
    first = client.get(url, {"ids": str(pending.pk)}).json()["reviews"][0]
    assert first["status"] == "pending" and "Sentiment pending" in first["html"]
    Review.objects.filter(pk=pending.pk).update(
        sentiment_status="scored", sentiment_label="negative", sentiment_highlights=["wait"]
    )
    after = client.get(url, {"ids": str(pending.pk)}).json()["reviews"][0]
    assert after["status"] == "scored" and after["label"] == "negative"
    assert "badge--negative" in after["html"] and "<mark>Wait</mark>" in after["html"]
    assert "&lt;b&gt;now&lt;/b&gt;" in after["html"]


@pytest.mark.parametrize("ids", ["", "abc", "1,,x", "²", ",".join(["1"] * 51), "9" * 30])
def test_review_status_refuses_bad_ids(client, ids):
    response = client.get(reverse("sentirec:review-status"), {"ids": ids})
    assert response.status_code == 400
    assert "ids must be" in response.json()["detail"]
