"""Every admin changelist and change page renders for staff, with the data on it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sentirec.models import Follow, Interaction, ItemStats, Rating, Review, SentimentModel
from sentirec.services.stats import refresh_item_stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(user, other_user, item):
    review = Review.objects.create(
        user=user, item=item, title="Lasts forever", text="The battery lasts forever.", stars=5
    )
    Review.objects.filter(pk=review.pk).update(
        sentiment_status="scored", sentiment_label="negative", sentiment_score=-0.8
    )
    rating = Rating.objects.get(user=user, item=item)
    follow = Follow.objects.create(follower=other_user, followee=user)
    interaction = Interaction.objects.create(user=other_user, item=item, kind="click")
    model = SentimentModel.objects.create(
        version="cnn-abc123", architecture="cnn", file="m.pt", metrics={"accuracy": 0.91}
    )
    refresh_item_stats([item.pk])
    return {
        "item": (item, "The Long Battery Phone"),
        "review": (review, "Lasts forever"),
        "rating": (rating, "5.0"),
        "follow": (follow, "bob"),
        "interaction": (interaction, "click"),
        "sentimentmodel": (model, "cnn-abc123"),
        "itemstats": (ItemStats.objects.get(item=item), "The Long Battery Phone"),
    }


@pytest.mark.parametrize(
    "model", ["item", "review", "rating", "follow", "interaction", "sentimentmodel", "itemstats"]
)
def test_changelist_and_change_page_render(staff_client, rows, model):
    obj, expected = rows[model]
    changelist = staff_client.get(reverse(f"admin:sentirec_{model}_changelist"))
    assert changelist.status_code == 200
    assert expected in changelist.content.decode()
    change = staff_client.get(reverse(f"admin:sentirec_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
    assert expected in change.content.decode()


def test_review_filters(staff_client, rows, make_user, item):
    agreeing = Review.objects.create(user=make_user(), item=item, text="Bad phone.", stars=1)
    Review.objects.filter(pk=agreeing.pk).update(
        sentiment_status="scored", sentiment_label="negative"
    )
    url = reverse("admin:sentirec_review_changelist")
    disagree = staff_client.get(url, {"disagree": "yes"}).content.decode()
    assert "Lasts forever" in disagree and "Bad phone" not in disagree
    agree = staff_client.get(url, {"disagree": "no"}).content.decode()
    assert "Bad phone" in agree and "Lasts forever" not in agree
    by_label = staff_client.get(url, {"sentiment_label__exact": "negative"}).content.decode()
    assert "Bad phone" in by_label and "Lasts forever" in by_label
    by_stars = staff_client.get(url, {"stars": Decimal("1.0")}).content.decode()
    assert "Bad phone" in by_stars and "Lasts forever" not in by_stars


def test_sentiment_fields_are_read_only(staff_client, rows):
    review = rows["review"][0]
    page = staff_client.get(reverse("admin:sentirec_review_change", args=[review.pk]))
    html = page.content.decode()
    assert 'name="sentiment_score"' not in html
    assert 'name="corrected_label"' in html  # moderators may correct the label


def test_item_search_and_autocomplete(staff_client, rows):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "Battery", "app_label": "sentirec", "model_name": "review", "field_name": "item"},
    )
    assert response.status_code == 200
    assert "The Long Battery Phone" in response.content.decode()


def test_non_staff_cannot_open_admin(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:sentirec_review_changelist"))
    assert response.status_code == 302
