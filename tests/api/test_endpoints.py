"""Filtering, pagination, the feed, error bodies for bad input, auth, and the schema."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sentirec.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def reviews(user, other_user, make_item, write_review):
    kettle, toaster = make_item("Kettle", category="kitchen"), make_item("Toaster")
    return {
        "alice-kettle": write_review(user, kettle, "Great kettle.", label="positive"),
        "bob-kettle": write_review(other_user, kettle, "Awful kettle.", label="negative"),
        "bob-toaster": write_review(other_user, toaster, "Hmm.", label=None),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_reviews_filter_by_item_author_and_label(api, reviews):
    kettle = reviews["alice-kettle"].item_id
    pk = {name: review.pk for name, review in reviews.items()}
    assert ids(api.get("/api/reviews/", {"item": kettle})) == {pk["alice-kettle"], pk["bob-kettle"]}
    assert ids(api.get("/api/reviews/", {"author": "bob"})) == {pk["bob-kettle"], pk["bob-toaster"]}
    assert ids(api.get("/api/reviews/", {"label": "negative"})) == {pk["bob-kettle"]}
    assert ids(api.get("/api/reviews/", {"label": "pending"})) == {pk["bob-toaster"]}
    assert ids(api.get("/api/reviews/", {"author": "bob", "item": kettle})) == {pk["bob-kettle"]}
    assert ids(api.get("/api/reviews/", {"author": "nobody"})) == set()


def test_a_moderators_correction_wins_in_the_label_filter(api, reviews):
    review = reviews["bob-kettle"]
    type(review).objects.filter(pk=review.pk).update(corrected_label="positive")
    assert review.pk in ids(api.get("/api/reviews/", {"label": "positive"}))
    assert review.pk not in ids(api.get("/api/reviews/", {"label": "negative"}))


def test_ratings_and_follows_filter(api, reviews, user, other_user, make_user):
    assert len(ids(api.get("/api/ratings/", {"author": "bob"}))) == 2
    Follow.objects.create(follower=user, followee=other_user)
    Follow.objects.create(follower=make_user("carol"), followee=other_user)
    followers = api.get("/api/follows/", {"followee": "bob"}).json()["results"]
    assert {row["follower_detail"]["username"] for row in followers} == {"alice", "carol"}
    following = api.get("/api/follows/", {"follower": "alice"}).json()["results"]
    assert [row["followee_detail"]["username"] for row in following] == ["bob"]


def test_items_search_and_show_stats(api, reviews):
    rows = api.get("/api/items/", {"q": "kett", "category": "kitchen"}).json()["results"]
    assert [row["title"] for row in rows] == ["Kettle"]
    assert rows[0]["stats"]["review_count"] == 2 and rows[0]["stats"]["positive_count"] == 1


def test_pages_are_capped_and_bad_pages_are_404(api, make_item):
    for n in range(3):
        make_item(f"Item {n}")
    body = api.get("/api/items/", {"page_size": 2}).json()
    assert len(body["results"]) == 2 and body["count"] == 3 and body["next"]
    assert len(api.get("/api/items/", {"page_size": 10**9}).json()["results"]) == 3  # the cap
    assert api.get("/api/items/", {"page_size": -5}).status_code == 400  # as the schema says
    for page in ("2", "-1", "0", "abc", "9" * 40, "1e5"):
        response = api.get("/api/items/", {"page": page, "page_size": 20})
        assert response.status_code == 404, page
        assert response.json() == {"status": 404, "code": "not_found", "detail": "Invalid page."}


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/reviews/", {"item": "abc"}, "item"),
        ("/api/reviews/", {"item": "\uff11"}, "item"),  # a full-width 1
        ("/api/reviews/", {"label": "ecstatic"}, "label"),
        ("/api/reviews/", {"author": "bob\x00"}, "author"),
        ("/api/items/", {"q": "kettle\x00"}, "q"),
        ("/api/items/", {"order": "random"}, "order"),
        ("/api/follows/", {"follower": "x" * 151}, "follower"),
        ("/api/feed/", {"page": "0"}, "page"),
        ("/api/feed/", {"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(api, url, params, field):
    response = api.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]
    assert body["detail"].startswith(f"{field}: ")


@pytest.mark.parametrize("item", ["-3", "0", "9" * 30, "999999"])
def test_an_item_filter_that_names_no_item_finds_nothing(api, reviews, item):
    """As an unknown ``author`` does: the id is well formed, as the schema asks (it was a
    400, "object does not exist", for a request the schema calls valid)."""
    for url in ("/api/reviews/", "/api/ratings/"):
        response = api.get(url, {"item": item})
        assert response.status_code == 200 and response.json()["results"] == [], url


@pytest.mark.parametrize(
    "path",
    ["/api/reviews/abc/", "/api/reviews/999999/", f"/api/items/{'9' * 30}/", "/api/items/-1/"],
)
def test_bad_ids_are_404_with_the_error_body(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["status"] == 404 and response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"text": "x" * 10_001}, "text", "the limit is 10000"),
        ({"text": "nul\x00"}, "text", "contains a NUL character"),
        ({"text": "   "}, "text", "This field may not be blank."),
        ({"text": "ok", "stars": "7"}, "stars", "Stars must be between 0.5 and 5"),
        ({"text": "ok", "item": 10**20}, "item", "object does not exist"),
        ({"text": "ok", "item": "abc"}, "item", '"abc" is not an id'),
    ],
)
def test_bad_reviews_are_a_400_naming_the_field(api, user, item, body, field, message):
    api.force_authenticate(user)
    response = api.post("/api/reviews/", {"item": item.pk, **body}, format="json")
    assert response.status_code == 400
    error = response.json()
    assert field in error["errors"] and message in error["detail"], error


def test_a_second_review_of_the_same_item_is_refused(api, user, item, write_review):
    write_review(user, item)
    api.force_authenticate(user)
    response = api.post("/api/reviews/", {"item": item.pk, "text": "Again"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert "already reviewed" in response.json()["detail"]


def test_malformed_json_is_a_400(api, user):
    api.force_authenticate(user)
    response = api.post("/api/reviews/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_token_authentication(api, user, item):
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/reviews/", {"item": item.pk, "text": "Via token."}, format="json")
    assert response.status_code == 201 and response.json()["author"]["username"] == "alice"
    got = APIClient().post(
        reverse("api-token"), {"username": "alice", "password": "a-long-pass-phrase-1"}
    )
    assert got.json()["token"] == token.key


def test_sentirec_serves_tokens_itself(api, user):
    url = reverse("sentirec:api:token")
    got = api.post(url, {"username": "alice", "password": "a-long-pass-phrase-1"}, format="json")
    assert got.status_code == 200 and got.json()["token"] == Token.objects.get(user=user).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {got.json()['token']}")
    assert api.post("/api/follows/", {"followee": user.pk}).json()["code"] == "invalid"  # as alice


@pytest.mark.parametrize("url", ["/api/auth/token/", "sentirec:api:token"])
def test_wrong_credentials_are_a_401(api, user, url):
    url = reverse(url) if ":" in url else url
    wrong = api.post(url, {"username": "alice", "password": "wrong"}, format="json")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Token")
    assert wrong.json()["detail"] == "Unable to log in with provided credentials."
    missing = api.post(url, {"username": "alice"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()["errors"]


def test_the_token_endpoint_needs_no_authentication_in_the_schema(api):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    operation = paths["/api/auth/token/"]["post"]
    assert operation.get("security", [{}]) == [{}]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SentirecToken"
    }
    assert {"tokenAuth"} <= {
        name for need in paths["/api/reviews/"]["post"]["security"] for name in need
    }


def test_session_authentication_enforces_csrf(user, item):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/reviews/", {"item": item.pk, "text": "x"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_the_feed_for_a_visitor_is_top_items(api, user, item, write_review):
    write_review(user, item, "Great.")
    body = api.get("/api/feed/").json()
    assert body["cold_start"] is True and body["page"] == 1
    assert item.pk in [entry["item"]["id"] for entry in body["entries"]]


def test_the_feed_explains_entries_with_followees_words(api, user, other_user, item, write_review):
    write_review(
        other_user,
        item,
        "The battery lasts forever. I love it.",
        stars=5,
        highlights=("love",),
        score=0.95,
    )
    Follow.objects.create(follower=user, followee=other_user)
    api.force_authenticate(user)
    body = api.get("/api/feed/", {"page_size": 5}).json()
    assert body["cold_start"] is False and body["page_size"] == 5
    entry = next(e for e in body["entries"] if e["item"]["id"] == item.pk)
    assert entry["reason"] == "social" and entry["explanation"]
    assert set(entry["components"]) >= {"social", "quality"}
    contributor = entry["contributors"][0]
    assert contributor["username"] == "bob" and contributor["label"] == "loved"
    assert contributor["highlights"] == ["love"] and "battery" in contributor["excerpt"]
    assert (contributor["display_name"], contributor["stars"]) == ("bob", 5.0)
    assert contributor["date"] and body["quiet"] == []


def test_the_schema_describes_every_endpoint(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/items/",
        "/api/reviews/",
        "/api/reviews/{id}/",
        "/api/ratings/",
        "/api/follows/",
        "/api/feed/",
        "/api/sentiment/predict/",
        "/api/sentiment/jobs/{job}/",
        "/api/models/",
        "/api/models/{id}/metrics/",
        "/api/models/{id}/activate/",
        "/api/models/rollback/",
    ):
        assert path in paths, path
    review_params = {p["name"] for p in paths["/api/reviews/"]["get"]["parameters"]}
    assert {"item", "author", "label", "page", "page_size"} <= review_params
    body = paths["/api/sentiment/predict/"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"] == "#/components/schemas/SentirecPredictRequest"
    assert "texts" in schema["components"]["schemas"]["SentirecPredictRequest"]["properties"]


def test_the_schema_lists_415_where_a_body_is_read(api):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    operations = [(m, op) for ops in paths.values() for m, op in ops.items() if "responses" in op]
    for method, operation in operations:
        assert ("415" in operation["responses"]) == (method in ("post", "put", "patch")), method
    assert {"400", "413", "415"} <= set(paths["/api/ratings/"]["post"]["responses"])


def test_the_schema_generates_without_warnings(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.settings import patched_settings

    from sentirec.api.schema import SETTINGS, Generator

    GENERATOR_STATS.reset()
    with patched_settings(SETTINGS):
        paths = Generator().get_schema(request=None, public=True)["paths"]
    assert "/api/items/" in paths
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, (
        capsys.readouterr().err
    )


def test_the_schema_is_sentirecs_own(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert schema["info"]["title"] == "sentirec API"
    assert all(name.startswith("Sentirec") for name in schema["components"]["schemas"])
    assert "SentirecItem" in schema["components"]["schemas"]


def test_a_hosts_own_schema_generator_leaves_sentirec_out():
    """The host's schema (drf-spectacular's default generator) is the same with sentirec
    installed: here, the demo host has no API of its own, so it is empty."""
    from drf_spectacular.generators import SchemaGenerator

    assert SchemaGenerator().get_schema(request=None, public=True)["paths"] == {}


def test_the_docs_page_loads_nothing_from_another_site(client):
    html = client.get(reverse("sentirec:api:docs")).content.decode()
    assert "api-docs.js" in html and 'data-schema-url="/api/schema/?format=json"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
