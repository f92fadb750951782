"""Host (a), tests/hosts/bookstore: UUID book ids with a private price, readers who log in
by email, its own sign-in app (no ``login`` URL name), sentirec under ``community/``,
Django's default per-process cache behind a site-wide page cache, no ``REST_FRAMEWORK``.

``check --deploy``, ``migrate`` and the user journey (tests/hosts/host_journey.py plus the
bookstore's own steps) run in the bookstore's own processes: on SQLite with tasks
in-process, and on PostgreSQL with a real worker on Redis.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hosts.services import fresh_database, host_worker
from tests.processes import ROOT

pytestmark = pytest.mark.slow

BOOKSTORE = Path(__file__).parent / "bookstore"
#: sentirec's and the schema's check messages (sentirec's warnings are listed separately).
CHECK_ID = re.compile(r"\((sentirec|drf_spectacular)\.([EW]\d+)\)")


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    import os

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bookstore.settings",
        "PYTHONPATH": f"{BOOKSTORE}:{ROOT}",
        "BOOKSTORE_SQLITE": str(tmp_path / "bookstore.sqlite3"),
        "BOOKSTORE_MEDIA": str(tmp_path / "media"),
        **extra,
    }
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "BOOKSTORE_EAGER"):
        if name not in extra:
            env.pop(name, None)
    return env


def manage(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BOOKSTORE,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def set_up(env: dict[str, str]) -> None:
    deploy = manage(env, "check", "--deploy")
    found = set(CHECK_ID.findall(deploy.stdout + deploy.stderr))
    # One web process on Django's per-process cache: only the documented warning that
    # rate limits are then counted per process.
    assert found == {("sentirec", "W031")}, deploy.stderr
    manage(env, "migrate", "-v", "0")
    manage(env, "makemigrations", "--check", "--dry-run", "readers", "books")


def journey(env: dict[str, str], wait: float) -> dict:
    env = {
        **env,
        "JOURNEY_PREFIX": "/community/",
        "JOURNEY_ITEMS": "tests.hosts.bookstore_journey.books",
        "JOURNEY_EXTRA": "tests.hosts.bookstore_journey.steps",
        "JOURNEY_WAIT": str(wait),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.hosts.host_journey"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.split("JOURNEY ", 1)[1])


def assert_journey(facts: dict) -> None:
    # sentirec's pages and API, for readers who have no username and books with UUIDs.
    assert facts["label"] == "positive" and facts["rating"] == "2.0"
    assert facts["follows"] == 1
    assert facts["feed_page_has_item"] and facts["api_feed_has_item"]
    assert facts["profile_has_review"]
    assert "/community/api/items/{id}/" in facts["schema_paths"]
    assert facts["prediction_status"] == "done" and facts["prediction"] == ["negative"]
    # The preference model trains on UUID book keys and the feed serves its scores.
    learned = facts["preference_model"]
    assert learned["feed_status"] == 200 and learned["items"] == 2
    assert learned["scored_books"] == learned["books"]
    # The bookstore's own sign-in, and its own book page embedding sentirec.
    assert facts["signin"] == 302 and facts["visitor_login_link"]
    assert facts["book_page_without_permission"] == 403
    assert facts["book_page"] == 200
    assert facts["book_page_embeds"] == dict.fromkeys(facts["book_page_embeds"], True)
    assert facts["item_page_blurb"] and facts["item_page_view_on_site"]
    assert facts["price_shown_on"] == []
    # The host's own home and about pages answer; sentirec's nav does not claim them.
    assert facts["host_about"] and not facts["host_home_marks_feed"]
    for path, header in facts["cache_control"].items():
        assert "no-cache" in header and "private" in header, (path, header)


def assert_import_refused(env: dict[str, str]) -> None:
    """Public datasets become sentirec.Item rows, which this site has no table for."""
    count = [sys.executable, "-c", "import django; django.setup(); "
             "from readers.models import Reader; print(Reader.objects.count())"]  # fmt: skip
    before = subprocess.run(count, cwd=BOOKSTORE, env=env, capture_output=True, text=True)
    refused = manage(env, "sentirec_import", "filmtrust", str(BOOKSTORE), ok=False)
    assert refused.returncode != 0
    assert "SENTIREC_ITEM_MODEL" in refused.stderr and "Traceback" not in refused.stderr
    after = subprocess.run(count, cwd=BOOKSTORE, env=env, capture_output=True, text=True)
    assert before.stdout == after.stdout  # no reader was written


def test_bookstore_on_sqlite_with_tasks_in_process(tmp_path):
    env = environment(tmp_path, BOOKSTORE_EAGER="1")
    set_up(env)
    assert_journey(journey(env, wait=0))
    assert_import_refused(env)


@pytest.mark.services
def test_bookstore_on_postgres_with_a_worker(tmp_path, settings):
    with fresh_database() as database_url:
        env = environment(
            tmp_path, DATABASE_URL=database_url, CELERY_BROKER_URL=settings.CELERY_BROKER_URL
        )
        set_up(env)
        worker = [sys.executable, "-m", "celery", "-A", "bookstore", "worker", "-Q"]
        worker += ["sentirec.gpu,sentirec.default", "-l", "INFO"]
        with host_worker(worker, BOOKSTORE, env, tmp_path / "worker.log"):
            assert_journey(journey(env, wait=90))
        assert_import_refused(env)
