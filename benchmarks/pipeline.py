"""End-to-end scoring throughput: post -> broker -> worker -> stored, one worker here.

Compares, in one run on the same machine, three ways reviews reach the worker:

* ``posted``: reviews saved one by one through the model, as a form or the API does; each
  save enqueues one task on commit (the app's real path);
* ``batched``: the same number of reviews enqueued ``SCORING_BATCH_SIZE`` ids per task
  (what the sweeper, an import and a rescore do);
* ``one per task``: one task per review, each scoring only its review (``top_up=False``;
  the baseline).

Run:  python benchmarks/pipeline.py [--reviews 3000] [--write]
Needs PostgreSQL and Redis on 127.0.0.1 (uses database ``sentirec_bench_pipeline`` and
Redis databases 12-13). ``--write`` records the table in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from _site import ROOT, machine, today, use_bench_database, write_section

use_bench_database("sentirec_bench_pipeline", redis_db=12)

import numpy as np  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from sentirec.conf import settings  # noqa: E402
from sentirec.models import Item, Review  # noqa: E402
from sentirec.queueing import SCORE_REVIEWS, enqueue  # noqa: E402
from sentirec.services.scoring import enqueue_scoring  # noqa: E402
from socialsite.celery import app  # noqa: E402


def demo_texts(n: int, length: str) -> list[str]:
    """``long``: whole Blitzer reviews (~800 characters); ``short``: their first sentence,
    about the length of a one-line review."""
    path = ROOT / "sentirec" / "data" / "demo-reviews.jsonl.gz"
    with gzip.open(path, "rt") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    if length == "short":
        texts = [re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0][:200] for text in texts]
    return [texts[k % len(texts)] for k in range(n)]


WORKER = [
    sys.executable, "-m", "celery", "-A", "socialsite", "worker",
    "-Q", "sentirec.gpu,sentirec.default", "-c", "2", "--prefetch-multiplier", "1",
    "--without-gossip", "--without-mingle", "-l", "INFO",
]  # fmt: skip


def start_worker(log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        WORKER,
        cwd=ROOT,
        env=os.environ,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while " ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker did not start:\n{log.read_text()}")
        time.sleep(0.2)
    return process


def reset(n: int) -> tuple[list, Item]:
    """No reviews, ``n`` benchmark users and one item."""
    Review.objects.all().delete()
    User = get_user_model()
    User.objects.bulk_create([User(username=f"bench-{k}") for k in range(n)], ignore_conflicts=True)
    users = list(User.objects.filter(username__startswith="bench-").order_by("pk")[:n])
    item, _ = Item.objects.get_or_create(title="Benchmark item")
    return users, item


def wait_scored(ids: list[int], timeout: float) -> float:
    started = time.monotonic()
    while Review.objects.filter(pk__in=ids, sentiment_status="scored").count() < len(ids):
        if time.monotonic() - started > timeout:
            raise SystemExit("timed out waiting for scoring")
        time.sleep(0.05)
    return time.monotonic()


def latencies(ids: list[int], sent_at: dict[int, float], wall_offset: float) -> np.ndarray:
    scored = dict(Review.objects.filter(pk__in=ids).values_list("pk", "sentiment_scored_at"))
    return np.array([scored[pk].timestamp() - wall_offset - sent_at[pk] for pk in ids])


def run_mode(mode: str, n: int, texts: list[str]) -> dict:
    users, item = reset(n)
    wall_offset = time.time() - time.monotonic()
    sent_at: dict[int, float] = {}
    if mode == "posted":
        ids = []
        start = time.monotonic()
        for user, text in zip(users, texts, strict=False):
            with transaction.atomic():
                ids.append(Review.objects.create(user=user, item=item, text=text).pk)
            sent_at[ids[-1]] = time.monotonic()
    else:
        rows = [Review(user=u, item=item, text=t) for u, t in zip(users, texts, strict=False)]
        ids = [r.pk for r in Review.objects.bulk_create(rows)]  # rows only, no tasks
        start = time.monotonic()
        if mode == "batched":
            enqueue_scoring(ids)
        else:
            for pk in ids:
                enqueue(SCORE_REVIEWS, [[pk], False, False], queue=settings.GPU_QUEUE)
        sent_at = dict.fromkeys(ids, start)
    end = wait_scored(ids, timeout=1800)
    lat = latencies(ids, sent_at, wall_offset)
    return {
        "mode": mode,
        "n": n,
        "seconds": end - start,
        "per_s": n / (end - start),
        "p50_ms": float(np.percentile(lat, 50) * 1000),
        "p95_ms": float(np.percentile(lat, 95) * 1000),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=3000)
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    args = parser.parse_args()
    with app.connection_for_write() as conn:
        for queue in ("sentirec.gpu", "sentirec.default"):
            conn.default_channel.queue_purge(queue)
    worker = start_worker(ROOT / "var" / "bench-worker.log")
    results = []
    try:
        run_mode("batched", 200, demo_texts(200, "short"))  # warm-up: the model loads
        for length in ("short", "long"):
            texts = demo_texts(args.reviews, length)
            for mode in ("batched", "posted", "one per task"):
                results.append({"texts": length, **run_mode(mode, args.reviews, texts)})
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    lines = [
        "| texts | mode | reviews | seconds | reviews/s | vs one per task "
        "| post-to-scored p50 | p95 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        base = next(x for x in results if x["texts"] == r["texts"] and x["mode"] == "one per task")
        lines.append(
            f"| {r['texts']} | {r['mode']} | {r['n']} | {r['seconds']:.1f} | {r['per_s']:.0f} | "
            f"{r['per_s'] / base['per_s']:.1f}x | {r['p50_ms']:.0f} ms | {r['p95_ms']:.0f} ms |"
        )
    table = "\n".join(lines)
    load = os.getloadavg()[1]
    print(table)
    print(f"5-minute load average: {load:.1f}")
    if args.write:
        write_section(
            "pipeline",
            f"## Scoring pipeline (end to end)\n\n`OMP_NUM_THREADS=1 python benchmarks/pipeline.py "
            f"--reviews {args.reviews} --write` on {machine()}, {today()}, 5-minute load "
            f"average {load:.1f} (other work on the machine). One worker (`-c 2`), PostgreSQL "
            f"and Redis on the same machine, the shipped default model on CPU. `short`: the "
            f"first sentence of each demo review; `long`: the whole review.\n\n{table}\n",
        )


if __name__ == "__main__":
    main()
