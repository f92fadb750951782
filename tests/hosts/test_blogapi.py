"""Host (b) of issue 11: an API-only blog that already runs DRF with restrictive defaults
(tests/hosts/blogapi). sentirec installs into it without changing a single answer of the
blog's own pages, API or schema, its ``check --deploy`` stays clean, and sentirec's API
works as docs/site.md says: anonymous reads, token login, reviews, ratings, follows and
the feed, over a string primary key, showing none of the blog's private fields.

Each run is a subprocess with the blog's settings, on SQLite in a temporary folder, tasks
in-process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.processes import ROOT, run_python

pytestmark = pytest.mark.slow

SETTINGS = "tests.hosts.blogapi.settings"


def blog(tmp_path: Path, *args: str, sentirec: bool = True) -> str:
    """``python *args`` as the blog (with or without sentirec); its output."""
    folder = tmp_path / ("with" if sentirec else "without")
    folder.mkdir(exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "BLOGAPI_DIR": str(folder),
        "BLOGAPI_SENTIREC": "1" if sentirec else "0",
        "PYTHONPATH": str(ROOT),
    }
    unset = ("DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL")
    result = run_python(*args, env=env, unset=unset, timeout=300)
    return result.stdout + result.stderr


def line(output: str, tag: str) -> dict:
    found = [row for row in output.splitlines() if row.startswith(f"{tag} ")]
    assert found, output
    return json.loads(found[-1][len(tag) + 1 :])


@pytest.fixture(scope="module")
def journey(tmp_path_factory) -> dict:
    tmp_path = tmp_path_factory.mktemp("blogapi")
    blog(tmp_path, "-m", "django", "migrate", "-v", "0")
    return line(blog(tmp_path, "-m", "tests.hosts.blogapi.journey"), "JOURNEY")


def test_check_deploy_has_nothing_from_sentirec_or_drf_spectacular(tmp_path):
    output = blog(tmp_path, "-m", "django", "check", "--deploy")
    assert "sentirec" not in output and "drf_spectacular" not in output, output
    assert "System check identified no issues" in output, output


def test_the_blog_answers_exactly_as_before_sentirec(tmp_path):
    found = {}
    for sentirec in (False, True):
        blog(tmp_path, "-m", "django", "migrate", "-v", "0", sentirec=sentirec)
        output = blog(tmp_path, "-m", "tests.hosts.blogapi.probe", sentirec=sentirec)
        found[sentirec] = line(output, "PROBE")
    before, after = found[False], found[True]
    assert before["api anonymous"]["status"] == 401  # the blog's own rules, as it set them
    assert json.loads(before["schema"]["body"])["info"]["title"] == "Blog API"
    for name in before:
        assert after[name] == before[name], name


def test_visitors_read_items_without_the_blogs_login_or_private_fields(journey):
    status, body = journey["anonymous items"]
    assert status == 200 and set(body) == {"count", "next", "previous", "results"}
    assert sorted(row["id"] for row in body["results"]) == ["hello", "second"]  # no draft
    for row in body["results"]:
        assert set(row) == {"id", "title", "author", "stats"}  # ITEM_FIELDS: author only
    assert journey["anonymous hello"]["title"] == "Hello, world"
    assert journey["api root"] == 200
    assert journey["anonymous draft"] == 404  # the blog's rule: visitors see published posts
    assert set(journey["signed-in draft"]) == {"id", "title", "author", "stats"}
    text = json.dumps(journey)
    assert "SECRET" not in text and "Check the spelling" not in text  # editor_notes


def test_token_login_review_rate_follow_and_feed(journey):
    status, error = journey["wrong password"]
    assert status == 401 and error["detail"] == "Unable to log in with provided credentials."
    assert journey["blog's token"] == 200  # the blog's own tokens sign in to sentirec too
    status, review = journey["review"]
    assert status == 201 and review["item"] == "hello", review
    assert journey["review status"]["sentiment"]["status"] in ("scored", "pending")
    assert journey["rating"][0] == 201 and journey["rating"][1]["item"] == "draft"
    assert journey["follow"][0] == 201, journey["follow"]
    feed = journey["reader feed"]
    assert feed["cold_start"] is False
    entries = {entry["item"]["id"]: entry for entry in feed["entries"]}
    assert entries["hello"]["reason"] == "social"
    assert entries["hello"]["contributors"][0]["username"] == "editor"
    shown = [entry["item"]["id"] for entry in journey["anonymous feed"]["entries"]]
    assert "draft" not in shown and "hello" in shown
    assert [row["item"] for row in journey["anonymous ratings"]["results"]] == ["hello"]


def test_sentirecs_schema_is_its_own(journey):
    status, schema = journey["schema"]
    assert status == 200 and schema["info"]["title"] == "sentirec API"
    assert schema["paths"] and all(path.startswith("/api/") for path in schema["paths"])
    assert not any(path.startswith("/api/v1/") for path in schema["paths"])
    names = schema["components"]["schemas"]
    assert all(name.startswith("Sentirec") for name in names), sorted(names)
    assert set(names["SentirecItem"]["properties"]) == {"id", "title", "author", "stats"}
    assert names["SentirecItem"]["properties"]["id"]["type"] == "string"  # the slug
    assert journey["docs"] == 200
