"""The user journey through sentirec inside a host project, run in the host's own process
(``python -m tests.hosts.host_journey`` with its settings), for the install guide's fresh
project and the bookstore host alike.

It goes through the pages and the API as people would: sign up, review, rate, follow, the
feed, a profile, the schema, a prediction; it prints one ``JOURNEY {...}`` line of facts
for the test to assert, and fails loudly (a traceback) on anything unexpected.

Environment: ``JOURNEY_PREFIX`` (where the host mounted sentirec, e.g. ``/community/``),
``JOURNEY_ITEMS`` (a dotted callable that creates two items and returns them),
``JOURNEY_WAIT`` (seconds to wait for a worker to score; 0 when tasks run in-process),
``JOURNEY_EXTRA`` (optional: a dotted callable for the host's own steps, given the clients,
the users and the items, returning more facts).
"""

from __future__ import annotations

import json
import os
import time
from importlib import import_module

import django


def wait_for(condition, seconds: float, what: str, required: bool = True):
    """``condition()``'s first true value within ``seconds``; on timeout an error, or None
    when not ``required`` (the test then reports what was still missing)."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            if required:
                raise AssertionError(f"timed out after {seconds}s waiting for {what}")
            return None
        time.sleep(0.3)


def signup(client, prefix: str, login: str, password: str) -> None:
    from django.contrib.auth import get_user_model

    field = get_user_model().USERNAME_FIELD
    page = client.get(f"{prefix}signup/")
    assert page.status_code == 200, page.status_code
    answer = client.post(
        f"{prefix}signup/", {field: login, "password1": password, "password2": password}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]


def journey() -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from sentirec.models import Follow, Rating, Review

    prefix = os.environ.get("JOURNEY_PREFIX", "/")
    wait = float(os.environ.get("JOURNEY_WAIT", "0"))
    module, name = os.environ["JOURNEY_ITEMS"].rsplit(".", 1)
    loved, other = getattr(import_module(module), name)()
    User = get_user_model()
    field = User.USERNAME_FIELD
    facts: dict = {}

    ann, bob = Client(), Client()
    ann_login = "ann@example.com" if field == "email" else "ann"
    bob_login = "bob@example.com" if field == "email" else "bob"
    signup(ann, prefix, ann_login, "a-long-pass-phrase-1")
    signup(bob, prefix, bob_login, "a-long-pass-phrase-2")
    ann_user = User.objects.get(**{field: ann_login})

    # Review and rate through the item pages.
    item_url = f"{prefix}items/{loved.pk}/"
    assert ann.get(item_url).status_code == 200
    text = "I love this. A wonderful, perfect book; the best I have read all year."
    posted = ann.post(f"{item_url}review/", {"text": text, "stars": "5"})
    assert posted.status_code == 302, posted.content.decode()[:2000]
    rated = ann.post(f"{prefix}items/{other.pk}/rating/", {"stars": "2", "rating-stars": "2"})
    assert rated.status_code == 302, rated.content.decode()[:2000]
    facts["rating"] = str(Rating.objects.get(user=ann_user, item=other).stars)
    review = Review.objects.get(user=ann_user, item=loved)

    # Scoring: in-process, or a worker; the page's poll sees it either way.
    def scored():
        poll = ann.get(f"{prefix}reviews/status/", {"ids": review.pk}).json()["reviews"][0]
        return poll if poll["status"] == "scored" else None

    started = time.monotonic()
    poll = wait_for(scored, wait or 1, "the review to be scored")
    facts["scored_in"] = round(time.monotonic() - started, 1)
    facts["label"] = poll["label"]

    # Follow, then the feed (page and API) shows what ann loved.
    followed = bob.post(f"{prefix}people/{ann_user.get_username()}/follow/")
    assert followed.status_code == 302
    facts["follows"] = Follow.objects.filter(followee=ann_user).count()
    feed = bob.get(prefix)
    assert feed.status_code == 200
    facts["feed_page_has_item"] = item_url in feed.content.decode()
    api_feed = bob.get(f"{prefix}api/feed/")
    assert api_feed.status_code == 200, api_feed.content[:500]
    facts["api_feed_has_item"] = str(loved.pk) in api_feed.content.decode()
    facts["feed_cache_control"] = api_feed.headers.get("Cache-Control", "")

    # Profile, browse, the API's lists, the schema.
    profile = bob.get(f"{prefix}people/{ann_user.get_username()}/")
    assert profile.status_code == 200
    facts["profile_has_review"] = f'id="review-{review.pk}"' in profile.content.decode()
    for order in ("top", "reviews", "new"):
        assert bob.get(f"{prefix}items/", {"order": order}).status_code == 200
    assert bob.get(f"{prefix}api/items/").status_code == 200
    assert bob.get(f"{prefix}api/reviews/").status_code == 200
    schema = bob.get(f"{prefix}api/schema/", {"format": "json"})
    assert schema.status_code == 200, schema.content[:500]
    facts["schema_paths"] = sorted(json.loads(schema.content)["paths"])

    # A prediction: answered at once, or a job to poll until a worker is done.
    predicted = bob.post(
        f"{prefix}api/sentiment/predict/",
        {"texts": ["An awful, broken, useless thing. I hate it."]},
        content_type="application/json",
    )
    assert predicted.status_code in (200, 202), predicted.content[:500]
    job = predicted.json()

    extra = os.environ.get("JOURNEY_EXTRA")
    if extra:
        module, name = extra.rsplit(".", 1)
        steps = getattr(import_module(module), name)
        facts |= steps(
            clients=(ann, bob),
            users=(ann_user, User.objects.get(**{field: bob_login})),
            items=(loved, other),
            prefix=prefix,
        )

    def done():
        answer = bob.get(job["url"]).json()
        return answer if answer["status"] != "pending" else None

    if job["status"] == "pending":
        job = wait_for(done, min(wait, 30) or 1, "the prediction", required=False) or job
    facts["prediction"] = [row["label"] for row in job.get("results", [])]
    facts["prediction_status"] = job["status"]
    return facts


def sentirec_items():
    """Two ``sentirec.Item`` rows, for a host that keeps sentirec's own item model."""
    from sentirec.models import Item

    return (
        Item.objects.create(title="The Long Battery Phone", description="Lasts a week."),
        Item.objects.create(title="A Kettle", description="Boils water."),
    )


if __name__ == "__main__":
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's "testserver" host, as under a test runner
    print("JOURNEY " + json.dumps(journey()))
