"""What the load and write-storm benchmarks share: the site under gunicorn, a Celery worker,
and a sentiment model to score with. Call ``_site.use_bench_database`` first."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from _site import ROOT

DEMO_REVIEWS = ROOT / "sentirec" / "data" / "demo-reviews.jsonl.gz"


def demo_reviews() -> list[dict]:
    """The shipped demo reviews (real Blitzer Amazon reviews): text and stars."""
    with gzip.open(DEMO_REVIEWS, "rt") as handle:
        return [json.loads(line) for line in handle]


def labelled(reviews: list[dict]) -> tuple[list[str], list[int]]:
    """Texts and labels as a retrain reads them: 4-5 stars positive, 1-2 negative."""
    rows = [r for r in reviews if r["stars"] != 3]
    return [r["text"] for r in rows], [int(r["stars"] > 3) for r in rows]


def ensure_model(epochs: int = 3, limit: int | None = None) -> str:
    """An active sentiment model: the registered one, or a small MLP trained now on the
    demo reviews (the benchmarks measure the site, not the model's accuracy)."""
    from sentirec.models import SentimentModel
    from sentirec.sentiment.training import TrainConfig, train
    from sentirec.services import registry

    active = SentimentModel.objects.filter(is_active=True).first()
    if active is not None:
        return active.version
    texts, labels = labelled(demo_reviews()[:limit])
    config = TrainConfig(arch="mlp", embeddings=None, epochs=epochs, seed=1)
    model = registry.register(train(texts, labels, config, progress=False).bundle, {}, {})
    registry.activate(model)
    return model.version


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(process: subprocess.Popen, ready, what: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def _running(
    command: list[str], env: dict, log: Path, ready: Callable[[], bool], name: str
) -> Iterator[subprocess.Popen]:
    """``command`` started in its own session with its output in ``log``, waited for until
    ``ready()``, and stopped on exit."""
    with log.open("w") as handle:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait(process, ready, name, log)
        yield process
    finally:
        _stop(process)


@contextlib.contextmanager
def gunicorn(port: int, workers: int, threads: int, env: dict, log: Path) -> Iterator[str]:
    """The site under gunicorn on 127.0.0.1 (gthread workers: keep-alive connections)."""
    command = [
        sys.executable, "-m", "gunicorn", "socialsite.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--backlog", "2048", "--timeout", "60",
    ]  # fmt: skip
    with _running(command, env, log, lambda: _answers(port), "gunicorn"):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def celery_worker(concurrency: int, env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """One worker for both of sentirec's queues, as docs/workers.md runs it on a CPU box."""
    command = [
        sys.executable, "-m", "celery", "-A", "socialsite", "worker",
        "-Q", "sentirec.gpu,sentirec.default", "-c", str(concurrency),
        "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle", "-l", "INFO",
    ]  # fmt: skip
    with _running(command, env, log, lambda: " ready." in log.read_text(), "the worker") as worker:
        yield worker


def purge_queues() -> None:
    from socialsite.celery import app

    with app.connection_for_write() as conn:
        for queue in ("sentirec.gpu", "sentirec.default"):
            conn.default_channel.queue_purge(queue)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())
