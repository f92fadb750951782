"""scripts/demo.sh serves on ``PORT`` (default 8000) and refuses a PORT that is no number.

The script runs for real in a copy of the repository's layout whose ``.venv/bin/python``
only records how it was called, so nothing is installed or served."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDER = '#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls.log"\n'


@pytest.fixture
def fake_checkout(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "demo.sh", tmp_path / "scripts" / "demo.sh")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(RECORDER)
    python.chmod(0o755)
    return tmp_path


def run(checkout: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "PORT"} | env
    return subprocess.run(
        ["bash", str(checkout / "scripts" / "demo.sh")],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("env", "port"), [({}, "8000"), ({"PORT": "8123"}, "8123")])
def test_demo_serves_on_port(fake_checkout, env, port):
    done = run(fake_checkout, **env)
    assert done.returncode == 0, done.stderr
    calls = (fake_checkout / ".venv" / "bin" / "calls.log").read_text().splitlines()
    assert calls[-1] == f"manage.py runserver 127.0.0.1:{port}"
    assert f"Serving http://127.0.0.1:{port}/" in done.stdout


def test_a_port_that_is_not_a_number_is_refused(fake_checkout):
    done = run(fake_checkout, PORT="80; rm -rf /")
    assert done.returncode == 2
    assert "PORT must be a port number" in done.stderr
    assert not (fake_checkout / ".venv" / "bin" / "calls.log").exists()


def test_the_readme_gives_the_logins_the_demo_prints():
    from sentirec.services.demo import DEMO_ADMIN, DEMO_USER

    readme = (ROOT / "README.md").read_text()
    for login in (DEMO_USER, DEMO_ADMIN):
        assert f"`{login.username}` / `{login.password}`" in readme
