"""End-to-end scoring throughput: post -> broker -> worker -> stored, one worker here.

Compares, in one run on the same machine, four ways reviews reach the worker:

* ``batched``: reviews enqueued ``SCORING_BATCH_SIZE`` ids per task (what the sweeper, an
  import and a rescore do): the pipeline's capacity;
* ``posted``: reviews saved one by one through the model, each in its own transaction, as
  a form or the API does (the app's real path): their ids are coalesced for
  ``SCORING_COALESCE_SECONDS`` and sent as one task per window;
* ``posted, one task each``: the same with coalescing off (``SCORING_COALESCE_SECONDS``
  0), one task per saved review, as before coalescing;
* ``one per task``: one task per review, each scoring only its review (``top_up=False``;
  the baseline).

For each: the scoring tasks the worker received, reviews/s from the first enqueue (or
commit) to the last review scored, and the time from each review's commit (or enqueue)
to its score. The worker's memory (its processes' resident and proportional set sizes)
is read after the last mode.

Run:  python benchmarks/pipeline.py [--reviews 3000] [--write]
Needs PostgreSQL and Redis on 127.0.0.1 (uses database ``sentirec_bench_pipeline`` and
Redis databases 12-13, or ``BENCH_DATABASE`` and ``BENCH_REDIS_DB``). ``--write`` records
the table in docs/benchmarks.md.
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
from django.conf import settings as site  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import override_settings  # noqa: E402

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
    """No reviews, ``n`` benchmark users and one item. The review table is vacuumed: each
    mode deletes the last one's reviews, and where autovacuum is off (as on the machines
    these runs were made on) every later mode would scan their dead rows."""
    Review.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Review._meta.db_table)}")
    User = get_user_model()
    User.objects.bulk_create([User(username=f"bench-{k}") for k in range(n)], ignore_conflicts=True)
    users = list(User.objects.filter(username__startswith="bench-").order_by("pk")[:n])
    item, _ = Item.objects.get_or_create(title="Benchmark item")
    return users, item


def wait_scored(ids: list[int], timeout: float) -> float:
    """Wait until every review of ``ids`` is scored; the wall-clock time the last one was.

    Polls by key range, which holds exactly ``ids`` (each mode starts from an empty table
    and saves its reviews in order): an ``IN`` of thousands of ids, built and sent 20
    times a second, took a third of a core from the worker it measures."""
    started = time.monotonic()
    reviews = Review.objects.filter(pk__range=(min(ids), max(ids)))
    assert reviews.count() == len(ids), "other reviews among the benchmark's"
    while reviews.filter(sentiment_status="scored").count() < len(ids):
        if time.monotonic() - started > timeout:
            raise SystemExit("timed out waiting for scoring")
        time.sleep(0.05)
    return reviews.aggregate(last=Max("sentiment_scored_at"))["last"].timestamp()


def scoring_tasks_received(log: Path) -> int:
    return len(re.findall(rf"{SCORE_REVIEWS}\[[^]]+\] received", log.read_text()))


def wait_drained(log: Path, timeout: float = 600) -> None:
    """Wait until no scoring task is left in the queue or running: a task whose reviews
    another one topped up must not score the next mode's reviews."""
    deadline = time.monotonic() + timeout
    with app.connection_for_write() as conn:
        while time.monotonic() < deadline:
            queued = conn.default_channel.queue_declare(settings.GPU_QUEUE)
            done = len(
                re.findall(rf"{SCORE_REVIEWS}\[[^]]+\] (?:succeeded|raised)", log.read_text())
            )
            if not queued.message_count and done == scoring_tasks_received(log):
                return
            time.sleep(0.1)
    raise SystemExit("timed out waiting for the scoring queue to drain")


def post(users: list, item: Item, texts: list[str]) -> tuple[list[int], dict[int, float]]:
    """Save each review in its own transaction, as a request does; the commit times."""
    ids, committed = [], {}
    for user, text in zip(users, texts, strict=False):
        with transaction.atomic():
            pk = Review.objects.create(user=user, item=item, text=text).pk
        committed[pk] = time.time()
        ids.append(pk)
    return ids, committed


def run_mode(mode: str, n: int, texts: list[str], log: Path) -> dict:
    users, item = reset(n)
    tasks_before = scoring_tasks_received(log)
    if mode.startswith("posted"):
        coalesce = 0 if mode == "posted, one task each" else settings.SCORING_COALESCE_SECONDS
        with override_settings(SENTIREC={**site.SENTIREC, "SCORING_COALESCE_SECONDS": coalesce}):
            start = time.time()
            ids, sent_at = post(users, item, texts)
            posting = time.time() - start
    else:
        rows = [Review(user=u, item=item, text=t) for u, t in zip(users, texts, strict=False)]
        ids = [r.pk for r in Review.objects.bulk_create(rows)]  # rows only, no tasks
        start = time.time()
        if mode == "batched":
            enqueue_scoring(ids)
        else:
            for pk in ids:
                enqueue(SCORE_REVIEWS, [[pk], False, False], queue=settings.GPU_QUEUE)
        posting = time.time() - start
        sent_at = dict.fromkeys(ids, start)
    end = wait_scored(ids, timeout=1800)
    wait_drained(log)
    scored = dict(Review.objects.filter(pk__in=ids).values_list("pk", "sentiment_scored_at"))
    latency = np.array([scored[pk].timestamp() - sent_at[pk] for pk in ids])
    return {
        "mode": mode,
        "n": n,
        "tasks": scoring_tasks_received(log) - tasks_before,
        "posting_s": posting,
        "seconds": end - start,
        "per_s": n / (end - start),
        "p50_ms": float(np.percentile(latency, 50) * 1000),
        "p95_ms": float(np.percentile(latency, 95) * 1000),
    }


def warm_up(log: Path) -> None:
    """Score a few small tasks, enough that both pool processes load the model."""
    users, item = reset(256)
    texts = demo_texts(256, "short")
    rows = [Review(user=u, item=item, text=t) for u, t in zip(users, texts, strict=False)]
    ids = [r.pk for r in Review.objects.bulk_create(rows)]
    for start in range(0, len(ids), 32):
        enqueue(SCORE_REVIEWS, [ids[start : start + 32], False, False], queue=settings.GPU_QUEUE)
    wait_scored(ids, timeout=300)
    wait_drained(log)


def memory_mib(pid: int) -> tuple[float, float, int]:
    """Resident and proportional set size of the worker's processes (MiB), and how many."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    rss = pss = 0
    for proc in [pid, *map(int, children)]:
        for line in Path(f"/proc/{proc}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return rss / 1024, pss / 1024, 1 + len(children)


MODES = ("batched", "posted", "posted, one task each", "one per task")


def model_alone(texts: list[str]) -> float:
    """Reviews/s of the shipped model alone on these texts (this process, one thread, no
    database or broker): the worker's two processes can score at most twice this."""
    import torch

    from sentirec.sentiment.bundle import default_bundle_path, load_bundle
    from sentirec.sentiment.predictor import Predictor

    torch.set_num_threads(1)
    predictor = Predictor(load_bundle(default_bundle_path()))
    predictor.predict(texts[:256])  # first-call costs
    started = time.perf_counter()
    predictor.predict(texts)
    return len(texts) / (time.perf_counter() - started)


def table(results: list[dict]) -> str:
    lines = [
        "| texts | mode | reviews | scoring tasks | reviews/s | vs one per task "
        "| posted/s | commit-to-scored p50 | p95 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        base = next(x for x in results if x["texts"] == r["texts"] and x["mode"] == MODES[-1])
        posted = f"{r['n'] / r['posting_s']:.0f}" if r["mode"].startswith("posted") else ""
        lines.append(
            f"| {r['texts']} | {r['mode']} | {r['n']} | {r['tasks']} | {r['per_s']:.0f} | "
            f"{r['per_s'] / base['per_s']:.1f}x | {posted} | {r['p50_ms']:.0f} ms "
            f"| {r['p95_ms']:.0f} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=3000)
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    args = parser.parse_args()
    with app.connection_for_write() as conn:
        for queue in ("sentirec.gpu", "sentirec.default"):
            conn.default_channel.queue_purge(queue)
    log = ROOT / "var" / "bench-worker.log"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the worker on the way out
    worker = start_worker(log)
    results = []
    alone = {length: model_alone(demo_texts(args.reviews, length)) for length in ("short", "long")}
    try:
        warm_up(log)
        for length in ("short", "long"):
            texts = demo_texts(args.reviews, length)
            for mode in MODES:
                results.append({"texts": length, **run_mode(mode, args.reviews, texts, log)})
                print(results[-1], flush=True)
        rss, pss, processes = memory_mib(worker.pid)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    load = Path("/proc/loadavg").read_text().split()[:3]
    memory = (
        f"Worker memory after the run ({processes} processes): {rss:.0f} MiB resident in "
        f"all, {pss:.0f} MiB proportional (shared pages counted once)."
    )
    batched = {r["texts"]: r["per_s"] for r in results if r["mode"] == "batched"}
    ceiling = (
        "The model alone (the same texts, one process on one thread, no database or broker) "
        + " and ".join(f"{alone[k]:.0f} {k}" for k in alone)
        + " reviews/s, so the worker's two processes cannot pass "
        + " and ".join(f"{2 * alone[k]:.0f} {k}" for k in alone)
        + " reviews/s; the batched rows reach "
        + " and ".join(f"{batched[k] / (2 * alone[k]):.0%}" for k in alone)
        + " of that."
    )
    print(
        table(results), memory, ceiling, f"load average (1, 5, 15 min): {' '.join(load)}", sep="\n"
    )
    if args.write:
        write_section(
            "pipeline",
            f"## Scoring pipeline (end to end)\n\n`OMP_NUM_THREADS=1 python benchmarks/pipeline.py "
            f"--reviews {args.reviews} --write` on {machine()}, {today()}, load average "
            f"{' / '.join(load)} (1 / 5 / 15 min) at the end of the run (other work on the "
            f"machine). One worker (`-c 2`), PostgreSQL, Redis and the posting loop on the "
            f"same machine, the shipped default model on CPU. `short`: the first sentence of "
            f"each demo review; `long`: the whole review. reviews/s: from the first commit or "
            f"enqueue to the last review scored; posted/s: the posting loop's own rate.\n\n"
            f"{table(results)}\n\n{memory} {ceiling}\n",
        )


if __name__ == "__main__":
    main()
