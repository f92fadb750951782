"""The stars-only form ("Just rate it") on an item's page posts what its view reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from sentirec.models import Rating
from tests.html_forms import duplicate_ids, form_posting_to

pytestmark = pytest.mark.django_db


def test_the_rate_only_form_posts_the_fields_its_view_binds(client, user, item):
    client.force_login(user)
    html = client.get(reverse("sentirec:item-detail", args=[item.pk])).content.decode()
    action = reverse("sentirec:rating-save", args=[item.pk])
    form = form_posting_to(html, action)
    stars = [name for name in form.fields if name.endswith("stars")]
    assert stars == ["rating-stars"]
    response = client.post(action, {stars[0]: "4.5"})
    assert response.status_code == 302
    assert Rating.objects.get(user=user, item=item).stars == Decimal("4.5")


def test_the_item_page_has_no_duplicate_ids(client, user, item):
    client.force_login(user)
    html = client.get(reverse("sentirec:item-detail", args=[item.pk])).content.decode()
    assert duplicate_ids(html) == []


def test_a_refused_rating_opens_the_rate_only_panel_with_its_error(client, user, item):
    client.force_login(user)
    response = client.post(reverse("sentirec:rating-save", args=[item.pk]), {"rating-stars": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<details class="rate-only" open>' in html
    assert "This field is required." in html
    assert not Rating.objects.exists()
