"""PostgreSQL and a Celery worker for a host project in tests/hosts (the install guide's
project, the bookstore): a database of its own, and its own worker process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.processes import ROOT

QUEUES = "sentirec.gpu,sentirec.default"


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped afterwards; its URL."""
    import psycopg2

    server = settings.DATABASES["default"]
    name = f"sentirec_host_{uuid.uuid4().hex[:12]}"
    params = {
        "host": server.get("HOST") or "127.0.0.1",
        "port": server.get("PORT") or 5432,
        "user": server.get("USER") or "postgres",
        "password": server.get("PASSWORD") or "",
    }
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    password = f":{params['password']}" if params["password"] else ""
    try:
        yield f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def host_worker(command: list[str], project: Path, env: dict[str, str], log: Path):
    """``command`` (a ``celery -A <host> worker ...`` line) started in ``project`` with one
    process, after emptying sentirec's queues; stopped (its process group) afterwards."""
    env = {**env, "PYTHONPATH": f"{project}:{ROOT}"}
    app = command[command.index("-A") + 1]
    purge = [sys.executable, "-m", "celery", "-A", app, "purge", "-f", "-Q", QUEUES]
    subprocess.run(purge, cwd=project, env=env, capture_output=True, timeout=120, check=True)
    name = f"host-{uuid.uuid4().hex[:8]}@%h"
    extra = ["-c", "1", "--without-gossip", "--without-mingle", "-n", name]
    with log.open("a") as handle:
        process = subprocess.Popen(
            [*command, *extra],
            cwd=project,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while " ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the worker did not start:\n" + log.read_text()
            time.sleep(0.3)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
