"""Bad input to the pages is a clear 4xx (or the nearest sensible page), never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentirec.models import Review

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["0", "-4", "abc", "9" * 40, "1e5", "\x00"])
def test_odd_page_numbers_give_a_page(client, user, item, write_review, page):
    write_review(user, item)
    for url in (
        reverse("sentirec:home"),
        reverse("sentirec:item-list"),
        reverse("sentirec:item-detail", args=[item.pk]),
        reverse("sentirec:profile", args=["alice"]),
    ):
        assert client.get(url, {"page": page}).status_code == 200, url


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "kettle\x00"}, "Null characters are not allowed."),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"order": "random"}, "Select a valid choice."),
    ],
)
def test_bad_searches_are_a_400_with_the_message_by_the_field(client, params, message):
    response = client.get(reverse("sentirec:item-list"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/items/99999999/", f"/items/{'9' * 30}/", "/people/nobody/", "/people/a%00b/", "/items/x/"],
)
def test_unknown_or_malformed_ids_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "x" * 10_001}, "text", "the limit is 10000"),
        ({"text": "bad\x00"}, "text", "Null characters are not allowed."),
        ({"text": "   "}, "text", "This field is required."),
        ({"text": "ok", "stars": "7"}, "stars", "Select a valid choice."),
        ({"text": "ok", "title": "t" * 201}, "title", "at most 200 characters"),
    ],
)
def test_a_bad_review_is_shown_again_with_errors_next_to_fields(
    client, user, item, data, field, message
):
    client.force_login(user)
    response = client.post(reverse("sentirec:review-save", args=[item.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index(f'id="id_{field}_errors"')
    assert message in html[start : start + 400]
    assert f'aria-describedby="id_{field}_errors"' in html and 'aria-invalid="true"' in html
    assert not Review.objects.exists()


def test_a_bad_rating_is_shown_again_with_its_error(client, user, item):
    client.force_login(user)
    response = client.post(reverse("sentirec:rating-save", args=[item.pk]), {"rating-stars": "9"})
    assert response.status_code == 400
    assert 'id="id_rating-stars_errors"' in response.content.decode()


def test_posting_to_a_missing_item_is_404(client, user):
    client.force_login(user)
    url = reverse("sentirec:review-save", args=[10**20])
    assert client.post(url, {"text": "x"}).status_code == 404


def test_get_on_a_post_only_url_is_405(client, user, item):
    client.force_login(user)
    assert client.get(reverse("sentirec:review-save", args=[item.pk])).status_code == 405
