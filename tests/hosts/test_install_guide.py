"""docs/install.md, followed to the letter on a brand-new ``django-admin startproject``.

Every fenced block after an ``<!-- install-test: ACTION [PATH] -->`` line is applied as
written: ``create`` writes the file, ``append`` adds to it, ``run`` runs each command in
the project folder, ``worker`` is the command that starts a worker. Then the user journey
(tests/hosts/host_journey.py) runs against the project: on SQLite with tasks in-process,
and on PostgreSQL with that worker on Redis.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hosts.services import fresh_database, host_worker
from tests.processes import ROOT

pytestmark = pytest.mark.slow

GUIDE = ROOT / "docs" / "install.md"
#: A system check message of sentirec's or one about the API schema it serves.
CHECK_ID = re.compile(r"\((sentirec|drf_spectacular)\.[EW]\d+\)")
BLOCK = re.compile(r"<!-- install-test: (\w+)(?: (\S+))? -->\n```\w*\n(.*?)```", re.S)


def guide_blocks() -> list[tuple[str, str | None, str]]:
    return [(m[1], m[2], m[3]) for m in BLOCK.finditer(GUIDE.read_text())]


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{shlex.join(command)}\n{result.stdout}{result.stderr}"
    return result


def python_command(line: str) -> list[str]:
    """A guide's ``python ...``/``celery ...`` line, run with this interpreter."""
    words = shlex.split(line.split("#", 1)[0])
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    if words[0] == "celery":
        return [sys.executable, "-m", "celery", *words[1:]]
    raise AssertionError(f"the guide runs {words[0]!r}; the test knows python and celery")


def follow_the_guide(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """startproject, every marked block, as written; the project folder and the worker
    command the guide gives."""
    run([sys.executable, "-m", "django", "startproject", "mysite"], tmp_path, env)
    project = tmp_path / "mysite"
    worker = ""
    for action, path, text in guide_blocks():
        if action == "create":
            assert not (project / path).exists(), f"the guide creates {path}, which exists"
            (project / path).write_text(text)
        elif action == "append":
            target = project / path
            target.write_text(target.read_text() + "\n" + text)
        elif action == "run":
            for line in filter(None, (ln.strip() for ln in text.splitlines())):
                result = run(python_command(line), project, env)
                assert not CHECK_ID.search(result.stdout + result.stderr), result.stderr
        elif action == "worker":
            worker = text.strip()
        else:
            raise AssertionError(f"unknown install-test action {action!r}")
    return project, worker


def journey(project: Path, env: dict[str, str], wait: float) -> dict:
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "mysite.settings",
        "PYTHONPATH": f"{project}:{ROOT}",
        "JOURNEY_PREFIX": "/community/",
        "JOURNEY_ITEMS": "tests.hosts.host_journey.sentirec_items",
        "JOURNEY_WAIT": str(wait),
    }
    out = run([sys.executable, "-m", "tests.hosts.host_journey"], ROOT, env).stdout
    return json.loads(out.split("JOURNEY ", 1)[1])


def assert_journey(facts: dict) -> None:
    """What the journey found is what docs/install.md and docs/site.md promise."""
    assert facts["label"] == "positive"
    assert facts["rating"] == "2.0"
    assert facts["follows"] == 1
    assert facts["feed_page_has_item"] and facts["api_feed_has_item"]
    assert "no-cache" in facts["feed_cache_control"]
    assert facts["profile_has_review"]
    assert "/community/api/items/" in facts["schema_paths"]
    # The worker's answer reaches the web process (with Django's default per-process cache).
    assert facts["prediction_status"] == "done" and facts["prediction"] == ["negative"]


def base_env() -> dict[str, str]:
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


def test_the_guide_marks_every_step_it_relies_on():
    actions = [(action, path) for action, path, _ in guide_blocks()]
    assert ("create", "mysite/celery.py") in actions
    assert ("append", "mysite/__init__.py") in actions  # the Celery app is loaded
    assert ("append", "mysite/urls.py") in actions
    assert ("run", None) in actions and ("worker", None) in actions
    assert "Django>=5.2" in GUIDE.read_text()


def test_a_new_project_follows_the_guide_on_sqlite_with_tasks_in_process(tmp_path):
    env = {**base_env(), "CELERY_TASK_ALWAYS_EAGER": "1"}
    started = time.monotonic()
    project, _ = follow_the_guide(tmp_path, env)
    assert (project / "db.sqlite3").exists()
    deploy = run([sys.executable, "manage.py", "check", "--deploy"], project, env)
    assert not CHECK_ID.search(deploy.stdout + deploy.stderr), deploy.stderr
    assert_journey(journey(project, env, wait=0))
    print(f"guide applied and journey run in {time.monotonic() - started:.0f} s")


@pytest.mark.services
def test_a_new_project_follows_the_guide_on_postgres_with_a_worker(tmp_path, settings):
    broker = settings.CELERY_BROKER_URL
    with fresh_database() as database_url:
        env = {**base_env(), "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker}
        project, worker = follow_the_guide(tmp_path, env)
        assert not (project / "db.sqlite3").exists()  # it ran on PostgreSQL
        with host_worker(python_command(worker), project, env, tmp_path / "worker.log"):
            assert_journey(journey(project, env, wait=90))
