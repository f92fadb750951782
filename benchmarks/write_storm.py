"""Write storm: thousands of reviews posted concurrently through the API while a worker
scores them and a retrain runs; afterwards every review is stored once and scored once by
the final model.

    python benchmarks/write_storm.py [--users 250] [--items 24] [--clients 16]

1. Empties the PostgreSQL database ``sentirec_bench_storm`` (created if missing; Redis
   databases 2 and 3 are its broker and cache) and registers a deliberately weak model
   (one epoch on 200 demo reviews), so the retrain will beat it and be promoted.
2. Serves the site with gunicorn (2 workers x 4 threads) and runs one Celery worker
   (``-c 2``, both queues), as docs/workers.md runs them on a CPU box.
3. A retrain is enqueued (MLP, two epochs on 80% of the demo reviews plus the site's own,
   gated on the other 20%) as ``--clients`` threads start to post one review for every
   (user, item) pair, with the texts and stars of the shipped demo reviews; it is
   promoted while reviews are still pouring in and being scored.
4. Waits (at most ``--timeout`` seconds) until the retrain has finished and every review
   is scored by the active model, then counts, in the database, reviews, scores written
   per model (a trigger logs every write), reviews scored twice or never by the final
   model, and items whose stats disagree with their reviews. Exits 1 if any count is off.

Write throttles are raised for the run (``API_WRITE_RATE``): the storm measures the
pipeline, not the rate limit. Prints a table for docs/reliability.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _site import ROOT, machine, today, use_bench_database

WORK = ROOT / "var" / "bench-storm"
BASE_CSV, VALIDATION_CSV = WORK / "retrain-base.csv", WORK / "retrain-validation.csv"
RETRAIN = {
    "RETRAIN_BASE_DATA": [f"csv:{BASE_CSV}"],
    "RETRAIN_VALIDATION_DATA": [f"csv:{VALIDATION_CSV}"],
    "RETRAIN_ARCH": "mlp",
    "RETRAIN_OPTIONS": {"embeddings": None, "epochs": 2, "seed": 3},
}
os.environ.update(
    MEDIA_ROOT=str(WORK / "media"),
    SENTIREC_SETTINGS=json.dumps(RETRAIN),
    API_WRITE_RATE="1000000/min",
    API_USER_RATE="1000000/min",
)
use_bench_database("sentirec_bench_storm", redis_db=2)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from reliability_site import (  # noqa: E402
    celery_worker,
    demo_reviews,
    ensure_model,
    free_port,
    gunicorn,
    labelled,
    load_average,
    purge_queues,
)
from rest_framework.authtoken.models import Token  # noqa: E402

from sentirec.models import Item, SentimentModel  # noqa: E402
from sentirec.queueing import RETRAIN, enqueue  # noqa: E402
from sentirec.services import training  # noqa: E402
from tests.reliability.storm import Post, install_score_log, outcome, post_concurrently  # noqa: E402

TABLES = [
    "sentirec_review", "sentirec_rating", "sentirec_follow", "sentirec_interaction",
    "sentirec_itemstats", "sentirec_sentimentmodel", "sentirec_item", "authtoken_token",
    "django_session", "auth_user",
]  # fmt: skip


def write_retrain_data(reviews: list[dict]) -> None:
    """80% of the demo reviews to train on, the rest (by a hash of the text) to validate."""
    WORK.mkdir(parents=True, exist_ok=True)
    texts, labels = labelled(reviews)
    with BASE_CSV.open("w", newline="") as base, VALIDATION_CSV.open("w", newline="") as val:
        writers = csv.writer(base), csv.writer(val)
        for writer in writers:
            writer.writerow(["text", "label"])
        for text, label in zip(texts, labels, strict=True):
            held_out = hashlib.sha256(text.encode()).digest()[0] % 5 == 0
            writers[held_out].writerow([text, label])


def reset(users: int, items: int) -> tuple[list[str], list[int]]:
    """An empty site with ``users`` users (and API tokens) and ``items`` items."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    purge_queues()
    cache.clear()
    User = get_user_model()
    people = User.objects.bulk_create([User(username=f"storm-{k}") for k in range(users)])
    tokens = Token.objects.bulk_create(
        [Token(user=person, key=Token.generate_key()) for person in people]
    )
    things = Item.objects.bulk_create([Item(title=f"Storm item {k}") for k in range(items)])
    return [token.key for token in tokens], [thing.pk for thing in things]


def wait(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.5)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=250)
    parser.add_argument("--items", type=int, default=24)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=900, help="seconds to settle")
    args = parser.parse_args()

    reviews = demo_reviews()
    write_retrain_data(reviews)
    tokens, items = reset(args.users, args.items)
    install_score_log()
    weak = ensure_model(epochs=1, limit=200)
    pairs = [(token, item) for token in tokens for item in items]
    random.Random(7).shuffle(pairs)
    posts = [
        Post(token, item, reviews[k % len(reviews)]["text"], reviews[k % len(reviews)]["stars"])
        for k, (token, item) in enumerate(pairs)
    ]
    print(f"{len(posts)} reviews, {args.clients} clients; load average {load_average()}")

    server_env = {**os.environ, "CONN_MAX_AGE": "60"}
    with (
        celery_worker(2, os.environ.copy(), WORK / "worker.log"),
        gunicorn(free_port(), 2, 4, server_env, WORK / "gunicorn.log") as url,
    ):
        began = timezone.now()
        assert enqueue(RETRAIN, queue="sentirec.gpu")
        posted = post_concurrently(url, posts, args.clients)
        print(f"posted in {posted.seconds:.1f} s: {dict(posted.statuses)}", flush=True)
        wait(
            lambda: SentimentModel.objects.count() == 2 and cache.get(training.LOCK_KEY) is None,
            args.timeout,
            "the retrain",
        )
        settle = wait(lambda: outcome().settled(), args.timeout, "every review scored")
    result = outcome()
    candidate = SentimentModel.objects.exclude(version=weak).get()
    promoted_at = (candidate.activated_at - began).total_seconds() if candidate.is_active else None
    report(args, posted, result, candidate, weak, settle, promoted_at)
    ok = (
        dict(posted.statuses) == {201: len(posts)}
        and result.reviews == len(set(posted.ids)) == len(posts)
        and result.not_scored == result.scored_twice_by_final == result.never_by_final == 0
        and result.stats_wrong == 0
    )
    print("OK: every review stored once and scored once by the final model" if ok else "FAILED")
    sys.exit(0 if ok else 1)


def report(args, posted, result, candidate, weak, settle, promoted_at) -> None:
    promoted = (
        f"promoted {promoted_at:.0f} s into the storm" if candidate.is_active else "not promoted"
    )
    writes = ", ".join(
        f"{'final' if v == result.final_version else 'first'} {n}"
        for v, n in sorted(result.writes_by_version.items(), key=lambda kv: kv[0] != weak)
    )
    print(
        f"\n`python benchmarks/write_storm.py --users {args.users} --items {args.items} "
        f"--clients {args.clients}` on {machine()}, {today()}, load average after: "
        f"{load_average()}\n\n"
        "| posted | clients | seconds | posts/s | p50 | p95 | p99 | answers |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
        f"| {len(posted.latencies)} | {args.clients} | {posted.seconds:.1f} | "
        f"{len(posted.latencies) / posted.seconds:.0f} | {posted.percentile(50) * 1000:.0f} ms | "
        f"{posted.percentile(95) * 1000:.0f} ms | {posted.percentile(99) * 1000:.0f} ms | "
        f"{dict(posted.statuses)} |\n\n"
        "| stored | scored by the final model | twice by it | never by it | not scored | "
        "item stats wrong | score writes (first model, final) | retrain | then settled in |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |\n"
        f"| {result.reviews} | {result.by_final_model} | {result.scored_twice_by_final} | "
        f"{result.never_by_final} | {result.not_scored} | {result.stats_wrong} | {writes} | "
        f"{promoted} (accuracy {candidate.accuracy:.3f}) | {settle:.0f} s |"
    )


if __name__ == "__main__":
    main()
