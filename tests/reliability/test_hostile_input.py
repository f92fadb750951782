"""Hostile input through the pages and the API: each gets a clear 4xx with a message (or is
stored exactly as sent and shown escaped), never a 500.

The texts: a megabyte, NUL bytes, lone surrogates, right-to-left overrides, stacked
combining marks, SQL and HTML injection, control characters; raw bodies that are not UTF-8
or nest JSON 100,000 deep; huge, negative and malformed page numbers, ids and ratings.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from sentirec.models import Item, Rating, Review

pytestmark = pytest.mark.django_db

MEGABYTE = "a" * (1024 * 1024)

#: Stored exactly as written, shown escaped: odd, but someone's real review.
ACCEPTED = {
    "right-to-left": "\u202egnirts desrever\u202c, then \u05e2\u05d1\u05e8\u05d9\u05ea",
    "combining": " ".join(["Z\u0334\u0321\u032aa\u0323\u0337l\u0336g\u0338o"] * 40),
    "sql": "'; DROP TABLE sentirec_review; -- \" OR 1=1; SELECT pg_sleep(10)",
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "control": "bell\x07 escape\x1b[31m red\x7f tab\there",
    "zero-width and bom": "\ufeffzero\u200bwidth\u200djoined",
    "emoji": "\U0001f600\U0001f44d\U0001f3fd" * 200,
    "at the limit": "x" * 9_999 + "\U0001f600",
}
#: Refused with a message naming the problem (the form's words, or the API's).
REFUSED = {
    "megabyte": (MEGABYTE, r"the limit is 10000"),
    "nul": ("before\x00after", r"NUL character|Null characters are not allowed"),
    "lone surrogate": ("bad \ud800 half", r"Surrogate characters are not allowed"),
    "blank": (" \n\t\u3000 ", r"This field is required|may not be blank"),
}


@pytest.fixture
def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_json(client: APIClient, path: str, body: object):
    """Serialise with ASCII escapes, so a lone surrogate travels as ``\\ud800`` the way a
    hostile client would send it."""
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("name", ACCEPTED)
def test_odd_texts_are_stored_verbatim_and_shown_escaped(api, client, user, item, name):
    text = ACCEPTED[name]
    response = post_json(api, "/api/reviews/", {"item": item.pk, "text": text, "title": text[:200]})
    assert response.status_code == 201, response.json()
    review = Review.objects.get(pk=response.json()["id"])
    assert (review.text, review.title) == (text, text[:200])
    assert api.get(f"/api/reviews/{review.pk}/").json()["text"] == text
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page


@pytest.mark.parametrize("name", REFUSED)
def test_bad_texts_are_a_400_naming_the_problem_in_the_api(api, item, name):
    text, message = REFUSED[name]
    response = post_json(api, "/api/reviews/", {"item": item.pk, "text": text})
    assert response.status_code == 400
    assert response.json()["errors"]["text"] and re.search(message, response.json()["detail"])
    assert not Review.objects.exists()


@pytest.mark.parametrize("name", [n for n in REFUSED if n != "lone surrogate"])
def test_bad_texts_are_shown_again_with_the_message_on_the_page(client, user, item, name):
    """(A form body cannot carry a lone surrogate: it arrives as U+FFFD.)"""
    text, message = REFUSED[name]
    client.force_login(user)
    response = client.post(f"/items/{item.pk}/review/", {"text": text, "stars": "4"})
    assert response.status_code == 400 and re.search(message, response.content.decode())
    assert not Review.objects.exists()


def test_predictions_refuse_what_reviews_refuse(api, toy_model):
    for text, message in [(MEGABYTE, "the limit is 5000"), ("a\x00", "Null characters")]:
        response = post_json(api, "/api/sentiment/predict/", {"texts": [text]})
        assert response.status_code == 400 and message in response.json()["detail"]
    for texts in (["x"] * 17, [], "not a list", [{"a": 1}], [None]):
        assert post_json(api, "/api/sentiment/predict/", {"texts": texts}).status_code == 400
    odd = list(ACCEPTED.values())[:7]
    response = post_json(api, "/api/sentiment/predict/", {"texts": odd})
    assert response.status_code == 200 and len(response.json()["results"]) == 7


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b'{"text": "\xff\xfe broken", "item": 1}', "application/json", "parse_error"),
        (b'{"item": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "application/json",
         "parse_error"),
        (b'{"item": 1, "text": "ok", "stars": NaN}', "application/json", "parse_error"),
        (b"[1, 2]", "application/json", "invalid"),
        (b"null", "application/json", "invalid"),
        (b"text=hi", "text/plain", "unsupported_media_type"),
        (json.dumps({"text": MEGABYTE * 3}).encode(), "application/json", "too_large"),
    ],
    ids=["invalid utf-8", "nested 100000 deep", "NaN", "a list", "null", "text/plain",
         "3 MB body"],
)  # fmt: skip
def test_malformed_bodies_get_the_error_body(api, body, content_type, code):
    response = api.post("/api/reviews/", body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code and response.json()["detail"]


def test_a_form_body_that_is_not_utf8_is_stored_as_valid_text(client, user, item):
    client.force_login(user)
    body = b"text=caf\xe9+%FF%FE+ok&stars=4"
    response = client.post(
        f"/items/{item.pk}/review/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    Review.objects.get(user=user).text.encode("utf-8")  # storable, whatever was decoded


HUGE = "9" * 30


@pytest.mark.parametrize("page", ["-1", "0", HUGE, "1e9", "abc", "%00", "%EF%BC%91", "1;DROP"])
def test_odd_page_numbers(client, api, item, page):
    """API lists: a 404 with the error body; the feed: a 400 naming ``page``; pages: a page.
    A full-width "１" is malformed like "abc" (it was page 1)."""
    for path in ("/api/items/", "/api/reviews/", "/api/ratings/", "/api/follows/"):
        response = api.get(f"{path}?page={page}")
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    feed = api.get(f"/api/feed/?page={page}")
    assert feed.status_code == 400 and "page" in feed.json()["errors"]
    for path in ("/", "/items/", f"/items/{item.pk}/", "/people/alice/"):
        assert client.get(f"{path}?page={page}").status_code == 200, path


@pytest.mark.parametrize(
    "size", ["-5", "0", HUGE, "abc", "%00", "101", "null", "%EF%BC%94", "", "1.5"]
)
def test_odd_page_sizes_are_refused_or_capped(api, make_item, size):
    """As the schema says: a whole number from 1 up, capped at 100; anything else a 400."""
    for k in range(25):
        make_item(f"Item {k}")
    listed = api.get(f"/api/items/?page_size={size}")
    if size in ("101", HUGE):
        assert listed.status_code == 200 and len(listed.json()["results"]) == 25
    else:
        assert listed.status_code == 400 and "page_size" in listed.json()["errors"]
    if size in ("-5", "0", HUGE, "abc", "%00", "101", "%EF%BC%94"):
        feed = api.get(f"/api/feed/?page_size={size}")
        assert feed.status_code == 400 and "page_size" in feed.json()["errors"]


@pytest.mark.parametrize(
    "stars",
    [-1, 0, 5.5, 4.25, 1e308, "1e400", "NaN", "Infinity", "", [], {}, True, HUGE, "+4", " 4"],
)
def test_odd_ratings_are_a_400_naming_stars(api, client, user, item, stars):
    api_paths = ["/api/ratings/", "/api/reviews/"]
    page_paths = [
        (f"/items/{item.pk}/rating/", "rating-stars"),
        (f"/items/{item.pk}/review/", "stars"),
    ]
    if stars == "":  # a review without stars is fine; a rating is nothing but stars
        api_paths, page_paths = api_paths[:1], page_paths[:1]
    for path in api_paths:
        response = post_json(api, path, {"item": item.pk, "text": "Fine.", "stars": stars})
        assert response.status_code == 400 and "stars" in response.json()["errors"], path
    client.force_login(user)
    for path, field in page_paths:
        assert client.post(path, {field: str(stars), "text": "Fine."}).status_code == 400, path
    assert not Rating.objects.exists() and not Review.objects.exists()


@pytest.mark.parametrize("value", [2**63, 2**70, -1, 0, "1 OR 1=1", 1.5, None, [1], "\x00"])
def test_odd_ids_in_bodies_are_a_400_naming_the_field(api, value):
    for path, field in (("/api/reviews/", "item"), ("/api/ratings/", "item"),
                        ("/api/follows/", "followee")):  # fmt: skip
        response = post_json(api, path, {field: value, "text": "x", "stars": 4})
        assert response.status_code == 400 and field in response.json()["errors"], path


def full_width(number: int) -> str:
    """``number`` in full-width digits, which Python's ``int()`` reads as ``number``."""
    return "".join(chr(0xFF10 + int(digit)) for digit in str(number))


def test_ids_and_numbers_in_other_digits_are_refused(api, client, user, other_user, make_item):
    """Every integer the API or a page reads is written in ASCII digits: a full-width id or
    number was read as the ASCII one (the feed served 4 entries for ``page_size=４``)."""
    items = [make_item(f"Item {k}") for k in range(21)]
    first, second = items[0], items[1]
    review = Review.objects.create(user=user, item=first, text="Mine.")
    for query in (f"item={full_width(first.pk)}", f"page={full_width(1)}"):
        response = api.get(f"/api/reviews/?{query}")
        assert response.status_code in (400, 404), query
    feed = api.get(f"/api/feed/?page_size={full_width(4)}")
    assert feed.status_code == 400 and "page_size" in feed.json()["errors"]
    for path in (f"/api/reviews/{full_width(review.pk)}/", f"/api/items/{full_width(first.pk)}/"):
        assert api.get(path).status_code == 404, path
    for path, body, field in (
        ("/api/ratings/", {"item": full_width(second.pk), "stars": "4"}, "item"),
        ("/api/follows/", {"followee": full_width(other_user.pk)}, "followee"),
    ):
        response = post_json(api, path, body)
        assert response.status_code == 400 and field in response.json()["errors"], path
    client.force_login(user)
    listing = client.get(f"/items/?page={full_width(2)}")  # 21 items: page 2 holds one
    assert listing.context["page"].number == 1
    rated = client.post(f"/items/{second.pk}/rating/", {"rating-stars": full_width(4)})
    assert rated.status_code == 400 and not Rating.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/api/reviews/99999999999999999999999/", "/api/items/-1/", "/api/items/1.5/",
     "/api/sentiment/jobs/%00/", "/api/sentiment/jobs/..%2F..%2Fetc%2Fpasswd/",
     "/items/99999999999999999999/", "/people/%FF/", "/people/%00/", "/people/..%2Fadmin/"],
)  # fmt: skip
def test_odd_ids_in_urls_are_a_404(api, path):
    assert api.get(path).status_code == 404


@pytest.mark.parametrize(
    ("query", "status"),
    [("q=%25", 200), ("q=_", 200), ("q=%00", 400), ("q=" + "x" * 201, 400),
     ("q=%FF%FE", 200), ("category=%27%3B--", 200), ("order=1;DROP", 400)],
)  # fmt: skip
def test_searches_are_literal_text(api, client, make_item, query, status):
    """``%`` and ``_`` are not wildcards; quotes are text; bad values a 400 by the field."""
    make_item("100% cotton")
    make_item("plain")
    response = api.get(f"/api/items/?{query}")
    assert response.status_code == status
    if query == "q=%25":
        assert [i["title"] for i in response.json()["results"]] == ["100% cotton"]
    if query == "q=_":
        assert response.json()["count"] == 0
    assert client.get(f"/items/?{query}").status_code == status
    assert Item.objects.count() == 2


def test_review_status_polling_refuses_odd_ids(client):
    for ids in ("%FF", ",".join(["1"] * 51), HUGE, "-1", "1;2", ""):
        response = client.get(f"/reviews/status/?ids={ids}")
        assert response.status_code == 400 and "ids must be" in response.json()["detail"]


def test_a_forged_host_header_is_a_400():
    assert Client(HTTP_HOST="evil.example").get("/").status_code == 400


def test_empty_filters_mean_no_filter_as_the_schema_says(api, client, make_item):
    make_item("Kettle")
    make_item("Phone")
    parameters = client.get("/api/schema/?format=json").json()["paths"]["/api/items/"]["get"]
    q = next(p for p in parameters["parameters"] if p["name"] == "q")
    assert "minLength" not in q["schema"]  # the schema allows q= ...
    assert api.get("/api/items/?q=&category=").json()["count"] == 2  # ... and so does the API
    assert api.get("/api/reviews/?author=").status_code == 200
