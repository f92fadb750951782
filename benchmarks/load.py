"""Load: the site under gunicorn on 127.0.0.1 with PostgreSQL and Redis, driven by wrk from
a second process for a fixed time at increasing concurrency.

    python benchmarks/load.py [--levels 1,2,4,8,16,32] [--seconds 10] [--feed-cache-seconds N]

1. Loads the shipped demo data (2,539 real Blitzer reviews, their reviewers, the derived
   follow graph) into the PostgreSQL database ``sentirec_bench_load`` (Redis databases 4
   and 5) once, scores every review with a small model and trains the preference model.
2. Serves the site with gunicorn (``--workers`` x ``--threads`` gthread workers, persistent
   database connections, the Redis cache).
3. For each endpoint, the feed page ``/`` and ``/api/feed/`` for 40 signed-in users who
   follow someone (session cookie, token) and item pages ``/items/<id>/`` over 200 items,
   checks every request answers 200, warms the cache with one pass, then runs
   ``wrk --latency`` (2 threads) for ``--seconds`` at each concurrency. A Lua script cycles
   through the requests and reports requests/s, p50/p95/p99 and errors (connection,
   read, write and timeout errors, and HTTP status >= 400).

Everything is bounded: wrk runs for a fixed time and is killed if it overruns. The
highest concurrency with zero errors and p95 under 100 ms is marked. Needs ``wrk``
(Debian: ``apt-get install wrk``). Prints a table for docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _site import ROOT, machine, today, use_bench_database

WORK = ROOT / "var" / "bench-load"
os.environ.update(MEDIA_ROOT=str(WORK / "media"))
use_bench_database("sentirec_bench_load", redis_db=4)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from reliability_site import ensure_model, free_port, gunicorn, load_average  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from sentirec.models import Follow, Item, PreferenceModel, Review  # noqa: E402

USERS, ITEMS = 40, 200
TARGET_P95_MS = 100

#: wrk's script: cycle through "path<TAB>header<TAB>value" lines, report JSON at the end.
LUA = r"""
local lines = {}
local n = 0
init = function(args)
  for line in io.lines(args[1]) do
    local path, name, value = line:match("([^\t]*)\t([^\t]*)\t(.*)")
    local headers = {}
    if name ~= "" then headers[name] = value end
    table.insert(lines, wrk.format("GET", path, headers))
  end
  n = math.random(#lines)
end
request = function()
  n = n % #lines + 1
  return lines[n]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "errors": %d, "status_errors": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d, "max": %d}\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
"""


def prepare() -> None:
    """The demo site, scored, with a trained preference model (kept between runs)."""
    from sentirec.services.demo import load_demo
    from sentirec.services.recommender import train_recommender
    from sentirec.services.scoring import score_reviews
    from sentirec.services.stats import refresh_all_item_stats

    if not Review.objects.exists():
        print("loading the demo data", flush=True)
        load_demo()
    ensure_model()
    pending = list(Review.objects.exclude(sentiment_status="scored").values_list("pk", flat=True))
    if pending:
        print(f"scoring {len(pending)} reviews", flush=True)
        score_reviews(pending)
        refresh_all_item_stats()
    if not PreferenceModel.objects.filter(is_active=True).exists():
        print("training the preference model", flush=True)
        train_recommender()


def request_lines() -> dict[str, list[str]]:
    """Per endpoint, the requests wrk cycles through (a fixed, seeded sample)."""
    followers = Follow.objects.values_list("follower_id", flat=True).distinct().order_by("pk")
    users = get_user_model().objects.filter(pk__in=followers).order_by("pk")
    sample = random.Random(3).sample(list(users), min(USERS, users.count()))
    items = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    pages, api = [], []
    for user in sample:
        client = Client()
        client.force_login(user)
        pages.append(f"/\tCookie\tsessionid={client.cookies['sessionid'].value}")
        api.append(f"/api/feed/\tAuthorization\tToken {Token.objects.get_or_create(user=user)[0]}")
    item_pages = [f"/items/{pk}/\t\t" for pk in random.Random(4).sample(items, ITEMS)]
    return {"feed page /": pages, "item page /items/<id>/": item_pages, "GET /api/feed/": api}


def fetch_all(base: str, lines: list[str]) -> float:
    """One pass over the requests (warms the cache); every answer must be a 200."""
    started = time.monotonic()
    for line in lines:
        path, name, value = line.split("\t")
        request = urllib.request.Request(base + path, headers={name: value} if name else {})
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200 or response.url != base + path:
                raise SystemExit(f"{path} answered {response.status} at {response.url}")
    return time.monotonic() - started


def wrk(base: str, script: Path, lines: Path, clients: int, seconds: int) -> dict:
    threads = min(2, clients)
    command = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s",
               "--timeout", "5s", "-s", str(script), base, "--", str(lines)]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if run.returncode:
        raise SystemExit(f"wrk failed: {run.stderr}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    return {**result, "clients": clients, "per_s": result["requests"] / result["seconds"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,2,4,8,16,32")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--feed-cache-seconds", type=int, help="FEED_CACHE_SECONDS (0: every feed computed)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    levels = [int(level) for level in args.levels.split(",")]

    prepare()
    WORK.mkdir(parents=True, exist_ok=True)
    script = WORK / "cycle.lua"
    script.write_text(LUA)
    endpoints = request_lines()
    env = {**os.environ, "CONN_MAX_AGE": "60", "API_ANON_RATE": "1000000/min",
           "API_USER_RATE": "1000000/min"}  # fmt: skip
    if args.feed_cache_seconds is not None:
        env["SENTIREC_SETTINGS"] = json.dumps({"FEED_CACHE_SECONDS": args.feed_cache_seconds})
    cache.clear()
    rows = []
    print(f"load average before: {load_average()}", flush=True)
    log = WORK / "gunicorn.log"
    with gunicorn(free_port(), args.workers, args.threads, env, log) as base:
        for name, lines in endpoints.items():
            path = WORK / f"{len(rows)}.requests"
            path.write_text("\n".join(lines) + "\n")
            first = fetch_all(base, lines)
            print(f"{name}: {len(lines)} requests all 200; first pass {first:.1f} s", flush=True)
            for clients in levels:
                result = wrk(base, script, path, clients, args.seconds)
                rows.append({"endpoint": name, **result})
                print(format_row(rows[-1]), flush=True)
    report(args, rows)


def format_row(row: dict) -> str:
    errors = row["errors"] + row["status_errors"]
    return (
        f"| {row['endpoint']} | {row['clients']} | {row['per_s']:.0f} | "
        f"{row['p50'] / 1000:.1f} | {row['p95'] / 1000:.1f} | {row['p99'] / 1000:.1f} | "
        f"{errors} |"
    )


def report(args, rows: list[dict]) -> None:
    cached = args.feed_cache_seconds
    print(
        f"\n`python benchmarks/load.py --levels {args.levels} --seconds {args.seconds}"
        f"{'' if cached is None else f' --feed-cache-seconds {cached}'}`"
        f" on {machine()}, {today()}; gunicorn {args.workers} workers x {args.threads} "
        f"threads; load average after: {load_average()}\n"
    )
    print("| endpoint | connections | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(format_row(row))
    for endpoint in dict.fromkeys(row["endpoint"] for row in rows):
        ok = [
            r["clients"]
            for r in rows
            if r["endpoint"] == endpoint
            and r["errors"] + r["status_errors"] == 0
            and r["p95"] / 1000 < TARGET_P95_MS
        ]
        best = max(ok) if ok else "none"
        print(f"\n{endpoint}: highest concurrency with 0 errors and p95 < 100 ms: {best}")


if __name__ == "__main__":
    main()
