"""A real ``celery worker`` process against the real Redis broker and the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sentirec import engine
from socialsite.celery import app

ROOT = Path(__file__).resolve().parents[2]
QUEUES = "sentirec.gpu,sentirec.default"


def database_url() -> str:
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def wait_for(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Worker:
    """One ``celery -A socialsite worker`` process group; its log goes to a file."""

    def __init__(self, log: Path, env: dict[str, str]) -> None:
        self.log, self.env = log, env
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Worker:
        handle = self.log.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "socialsite",
                "worker",
                "-Q",
                QUEUES,
                "-c",
                "1",
                "--prefetch-multiplier",
                "1",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "INFO",
                "-n",
                f"test-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        offset = self.log.stat().st_size if self.log.exists() else 0
        wait_for(lambda: " ready." in self.log.read_text()[offset:] or self.exited(), timeout,
                 "the worker to start")  # fmt: skip
        assert not self.exited(), self.log.read_text()
        return self

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def kill(self) -> None:
        """SIGKILL the whole process group: the parent and the child doing the work."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and not self.exited():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_env(transactional_db) -> dict[str, str]:
    """The environment a worker needs to share this test's database and broker."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "REDIS_CACHE_URL": settings.REDIS_CACHE_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "DJANGO_SETTINGS_MODULE": "socialsite.settings",
        "CONN_MAX_AGE": "0",
    }
    return env


@pytest.fixture
def start_worker(worker_env, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start real workers on demand; tasks sent by this test go to the broker."""
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        for queue in QUEUES.split(","):
            conn.default_channel.queue_purge(queue)
    engine.reset()
    workers: list[Worker] = []

    def start(**extra_env: str) -> Worker:
        worker = Worker(tmp_path / "worker.log", {**worker_env, **extra_env}).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
