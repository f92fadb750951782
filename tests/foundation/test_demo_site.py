"""The README's demo command path: SQLite, no broker, tasks in-process.

Runs in a subprocess because the database and the Celery mode are chosen when settings
load; CI's services (PostgreSQL, Redis) are kept out of its environment on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.processes import run_python

pytestmark = pytest.mark.slow

CHECK = """
import json
from django.contrib.auth import get_user_model
from django.db.models import Count
from sentirec.conf import item_model
from sentirec.models import Review

statuses = Review.objects.values_list("sentiment_status").annotate(n=Count("id"))
print("STATUSES", json.dumps(dict(statuses)))
demo = get_user_model().objects.get(username="demo")
item = item_model()._default_manager.exclude(sentirec_reviews__user=demo).first()
posted = Review.objects.create(user=demo, item=item, text="Wonderful, I love it", stars=5)
posted.refresh_from_db()
print("POSTED", posted.sentiment_status, posted.sentiment_label)
"""


def manage(var_dir: Path, *args: str) -> str:
    return run_python(
        "manage.py",
        *args,
        env={"SENTIREC_VAR_DIR": str(var_dir), "OMP_NUM_THREADS": "1", "DEBUG": "1"},
        unset=("DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL"),
        timeout=300,
    ).stdout


def test_demo_reviews_and_a_new_review_are_scored_on_sqlite(tmp_path):
    manage(tmp_path, "migrate", "--verbosity", "0")
    manage(tmp_path, "sentirec_demo", "--verbosity", "0")
    assert (tmp_path / "db.sqlite3").exists()
    out = manage(tmp_path, "shell", "--no-imports", "-c", CHECK)
    statuses = json.loads(out.split("STATUSES ", 1)[1].splitlines()[0])
    assert set(statuses) == {"scored"} and statuses["scored"] > 2000
    assert "POSTED scored positive" in out
