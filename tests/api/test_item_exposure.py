"""The host decides what sentirec shows of its items: which items a user may see
(``SENTIREC["ITEM_VISIBILITY"]``), the same on the pages, the API and the feed, and which
of their fields the API shows (``SENTIREC["ITEM_FIELDS"]``)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sentirec.checks import check_item_exposure, check_settings
from sentirec.models import Item

pytestmark = pytest.mark.django_db

RULE = "tests.api.test_item_exposure.members_see_everything"


def members_see_everything(user):
    """The host's rule: visitors see public items only; signed-in users see them all."""
    if user.is_authenticated:
        return Item.objects.all()
    return Item.objects.exclude(category="members")


@pytest.fixture
def items(settings, make_item, user, other_user, write_review):
    settings.SENTIREC = {"ITEM_VISIBILITY": RULE}
    public = make_item("Public kettle", category="kitchen")
    secret = make_item("Secret kettle", category="members", description="for members")
    write_review(other_user, public, "Fine.", stars=3)
    write_review(other_user, secret, "Great, great, great.", stars=5)  # the best item
    return public, secret


def ids(response) -> list:
    assert response.status_code == 200, response.content
    body = response.json()
    return [row["id"] for row in body.get("results", body.get("entries", []))]


def test_visitors_never_see_a_hidden_item_in_the_api(items):
    public, secret = items
    api = APIClient()
    assert ids(api.get("/api/items/")) == [public.pk]
    assert ids(api.get("/api/items/", {"q": "kettle"})) == [public.pk]
    assert api.get(f"/api/items/{secret.pk}/").status_code == 404
    reviews = api.get("/api/reviews/").json()["results"]
    assert [row["item"] for row in reviews] == [public.pk]
    hidden = api.get("/api/ratings/", {"item": secret.pk})  # as for an item that is not there
    assert hidden.status_code == 200 and hidden.json()["results"] == []
    feed = api.get("/api/feed/").json()["entries"]
    assert [entry["item"]["id"] for entry in feed] == [public.pk]


def test_a_user_the_rule_lets_in_sees_it_everywhere(items, user):
    public, secret = items
    api = APIClient()
    api.force_authenticate(user)
    assert set(ids(api.get("/api/items/"))) == {public.pk, secret.pk}
    assert api.get(f"/api/items/{secret.pk}/").status_code == 200
    feed = api.get("/api/feed/").json()["entries"]
    assert [entry["item"]["id"] for entry in feed] == [secret.pk, public.pk]
    posted = api.post("/api/ratings/", {"item": secret.pk, "stars": "4"}, format="json")
    assert posted.status_code == 201


def test_nobody_reviews_an_item_they_may_not_see(items, user, settings):
    _, secret = items
    settings.SENTIREC = {"ITEM_VISIBILITY": "tests.api.test_item_exposure.nothing"}
    api = APIClient()
    api.force_authenticate(user)
    refused = api.post("/api/reviews/", {"item": secret.pk, "text": "Hi."}, format="json")
    assert refused.status_code == 400 and "does not exist" in refused.json()["detail"]


def nothing(user):
    return Item.objects.none()


def test_pages_apply_the_same_rule(items, client, user, other_user):
    _, secret = items
    assert client.get(f"/items/{secret.pk}/").status_code == 404
    listing = client.get("/items/").content.decode()
    assert "Public kettle" in listing and "Secret kettle" not in listing
    offered = client.get("/items/").context["form"].fields["category"].widget.choices
    assert ("members", "members") not in offered and ("kitchen", "kitchen") in offered
    review = secret.sentirec_reviews.get()
    assert client.get("/reviews/status/", {"ids": review.pk}).json() == {"reviews": []}
    assert "Secret kettle" not in client.get("/").content.decode()
    assert "Secret kettle" not in client.get("/people/bob/").content.decode()
    client.force_login(user)
    assert client.get(f"/items/{secret.pk}/").status_code == 200
    assert "Secret kettle" in client.get("/items/").content.decode()


def test_the_api_shows_only_the_fields_the_host_lists(settings, item):
    default = APIClient().get(f"/api/items/{item.pk}/").json()
    assert set(default) == {"id", "title", "description", "url", "category", "created", "stats"}
    settings.SENTIREC = {"ITEM_FIELDS": ["category"]}
    shown = APIClient().get(f"/api/items/{item.pk}/").json()
    assert set(shown) == {"id", "title", "category", "stats"}
    assert shown["title"] == item.title and shown["category"] == "electronics"
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    assert set(schema["components"]["schemas"]["SentirecItem"]["properties"]) == set(shown)


def test_search_reads_only_shown_fields(settings, make_item):
    make_item("Kettle", description="a secret word: xyzzy")
    assert len(APIClient().get("/api/items/", {"q": "xyzzy"}).json()["results"]) == 1
    # Neither the API nor the item page shows the description any more.
    settings.SENTIREC = {"ITEM_FIELDS": [], "ITEM_TEXT_FIELD": "category"}
    assert APIClient().get("/api/items/", {"q": "xyzzy"}).json()["results"] == []
    assert len(APIClient().get("/api/items/", {"q": "kett"}).json()["results"]) == 1


@pytest.mark.parametrize(
    ("value", "check_id"),
    [
        ({"ITEM_FIELDS": ["category", "price"]}, "sentirec.E020"),
        ({"ITEM_FIELDS": "category"}, "sentirec.E003"),
        ({"ITEM_VISIBILITY": "tests.api.test_item_exposure.no_such_rule"}, "sentirec.E021"),
        ({"ITEM_VISIBILITY": "no.such.module"}, "sentirec.E021"),
        ({"ITEM_VISIBILITY": 3}, "sentirec.E003"),
    ],
)
def test_checks_name_what_is_wrong(settings, value, check_id):
    settings.SENTIREC = value
    found = [error.id for error in check_settings() + check_item_exposure()]
    assert found == [check_id]


def test_good_values_pass_the_checks(settings):
    settings.SENTIREC = {"ITEM_FIELDS": ["category"], "ITEM_VISIBILITY": RULE}
    assert check_settings() + check_item_exposure() == []
