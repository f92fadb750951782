"""Feed latency at Ciao scale and at a synthetic x10, against a naive activity stream.

    python benchmarks/feed.py                      # both scales, then docs/benchmarks.md
    python benchmarks/feed.py --scales ciao --clients 1,8 --users 300
    python benchmarks/feed.py --scales ciao --users 100 --profile   # where a cold page's time goes

What it does, printing each step:

1. Loads the real Ciao data (``sentirec_import ciao``: 7,375 users, 284k ratings, 112k
   trust links) into the PostgreSQL database ``sentirec_bench`` (created; reused when
   already loaded), and trains the preference model on it.
2. Builds ``sentirec_bench_x10`` from it in SQL: nine more copies of every user, item,
   rating and follow, where each copied rating and follow keeps its copy with
   probability 0.9 and otherwise points into a random copy. Out-degrees (ratings per
   user, follows per user) are exactly Ciao's, in-degrees (raters per item, followers
   per user) Ciao's in distribution, and the copies are one connected graph. Its model
   is Ciao's factors tiled over the copies (same serving cost as a trained one).
3. Writes the same data into django-activity-stream's own tables (installed for the
   benchmark only: ``pip install "sentirec[bench]"``, settings ``benchmarks/feed_settings.py``):
   one ``Action`` per rating (actor the user, target the item, action object the rating)
   and one actor-only ``Follow`` per follow, and serves the naive feed with the library
   itself: ``Action.objects.user(user)[:20]`` (its ``user_stream``), generic relations
   fetched by the library.
4. Serves the site with gunicorn (4 sync workers, persistent DB connections, the Redis
   cache) and, at each concurrency level, sends keep-alive HTTP clients: every sampled
   user once with an empty cache (cold), then again (warm), for the API endpoint, for
   ``feed()`` behind a bare JSON view and for the naive feed, whose page is cached the
   same way (the Django cache, ``FEED_CACHE_SECONDS``) so warm is compared with warm.
   Latency is measured server side, around the WSGI application, and reported with
   the client-side figure, SQL queries per request and requests/s.

The numbers go between ``<!-- feed:start -->`` and ``<!-- feed:end -->`` in
docs/benchmarks.md. Kept out of the test suite: it takes minutes and a big database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _site import ROOT, machine, today, write_section

CIAO = Path(os.environ.get("SENTIREC_SHARED_DATA", ROOT.parent / "shared" / "data")) / "ciao-mtrust"
DATABASES = {"ciao": "sentirec_bench", "x10": "sentirec_bench_x10"}
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
#: Redis databases: this one the broker (unused: tasks run in-process), the next the cache.
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "8"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = 4
NAIVE_PATH = "/bench/naive-feed/"
LEAN_PATH = "/bench/feed/"
FEED_PATH = "/api/feed/"
COPIES = 10
KEEP_COPY = 0.9
SECRET_KEY = secrets.token_urlsafe(50)


def site_env(scale: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{DATABASES[scale]}",
        "REDIS_URL": f"{REDIS}/{REDIS_DB}",
        "REDIS_CACHE_URL": f"{REDIS}/{REDIS_DB + 1}",
        "DJANGO_SETTINGS_MODULE": "feed_settings",
        # DEBUG is off, as in production: the site refuses the public demo key then.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or SECRET_KEY,
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "CELERY_BROKER_URL": "memory://",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{Path(__file__).resolve().parent}",
    }


def plan_file(scale: str) -> Path:
    return ROOT / "var" / f"bench-feed-{scale}.json"


# =========================================================================== preparing
# Runs in a child process per scale (``feed.py _prepare SCALE``): Django is set up once
# per process, for one database.


def _django(scale: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{POSTGRES}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASES[scale]])
        if not cursor.fetchone():
            template = f' TEMPLATE "{DATABASES["ciao"]}"' if scale == "x10" else ""
            print(f"  creating database {DATABASES[scale]}{template}", flush=True)
            cursor.execute(f'CREATE DATABASE "{DATABASES[scale]}"{template}')
    connection.close()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _sql(statement: str, params=None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _load_ciao() -> None:
    from sentirec.models import Rating
    from sentirec.services.importing import import_dataset

    if Rating.objects.exists():
        print("  Ciao already loaded", flush=True)
        return
    started = time.monotonic()
    summary = import_dataset("ciao", CIAO, progress=True)
    print("  " + " ".join(summary.lines()), f"({time.monotonic() - started:.0f} s)", flush=True)


X10_SQL = """
CREATE TABLE bench_copy AS SELECT generate_series(1, %(copies)s - 1) AS k;
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
  SELECT u.password, false, u.username || '~' || c.k, u.first_name, '', '', false, true,
         u.date_joined
  FROM auth_user u CROSS JOIN bench_copy c;
CREATE TABLE bench_umap AS
  SELECT u.id AS old, 0 AS k, u.id AS new FROM auth_user u WHERE u.username NOT LIKE '%%~%%'
  UNION ALL
  SELECT u.id, c.k, n.id FROM auth_user u CROSS JOIN bench_copy c
  JOIN auth_user n ON n.username = u.username || '~' || c.k;
CREATE UNIQUE INDEX ON bench_umap (old, k);
INSERT INTO sentirec_item (title, description, url, category, created, source, external_id)
  SELECT i.title || ' ~' || c.k, '', '', i.category, i.created, i.source,
         i.external_id || '~' || c.k
  FROM sentirec_item i CROSS JOIN bench_copy c;
CREATE TABLE bench_imap AS
  SELECT i.id AS old, 0 AS k, i.id AS new FROM sentirec_item i WHERE i.external_id NOT LIKE '%%~%%'
  UNION ALL
  SELECT i.id, c.k, n.id FROM sentirec_item i CROSS JOIN bench_copy c
  JOIN sentirec_item n ON n.source = i.source AND n.external_id = i.external_id || '~' || c.k;
CREATE UNIQUE INDEX ON bench_imap (old, k);
INSERT INTO sentirec_rating (user_id, item_id, stars, created, updated)
  WITH edges AS MATERIALIZED (
    SELECT r.user_id, r.item_id, r.stars, r.created, r.updated, c.k,
           CASE WHEN random() < %(keep)s THEN c.k ELSE floor(random() * %(copies)s)::int END AS to_k
    FROM sentirec_rating r CROSS JOIN bench_copy c)
  SELECT um.new, im.new, e.stars, e.created, e.updated FROM edges e
  JOIN bench_umap um ON um.old = e.user_id AND um.k = e.k
  JOIN bench_imap im ON im.old = e.item_id AND im.k = e.to_k
  ON CONFLICT DO NOTHING;
INSERT INTO sentirec_follow (follower_id, followee_id, created)
  WITH edges AS MATERIALIZED (
    SELECT f.follower_id, f.followee_id, f.created, c.k,
           CASE WHEN random() < %(keep)s THEN c.k ELSE floor(random() * %(copies)s)::int END AS to_k
    FROM sentirec_follow f CROSS JOIN bench_copy c)
  SELECT a.new, b.new, e.created FROM edges e
  JOIN bench_umap a ON a.old = e.follower_id AND a.k = e.k
  JOIN bench_umap b ON b.old = e.followee_id AND b.k = e.to_k
  WHERE a.new <> b.new
  ON CONFLICT DO NOTHING;
"""


def _grow_x10() -> None:
    from django.db import connection, transaction

    from sentirec.services.stats import refresh_all_item_stats

    if "bench_umap" in connection.introspection.table_names():
        print("  x10 already built", flush=True)
        return
    started = time.monotonic()
    _sql("SELECT setseed(0.42)")
    with transaction.atomic():
        _sql(X10_SQL, {"copies": COPIES, "keep": KEEP_COPY})
    print(f"  x10 rows written in SQL ({time.monotonic() - started:.0f} s)", flush=True)
    started = time.monotonic()
    refresh_all_item_stats()
    print(f"  item stats refreshed ({time.monotonic() - started:.0f} s)", flush=True)


def _actstream_rows() -> None:
    """The site's ratings and follows as django-activity-stream rows, written in SQL (the
    library's ``action.send`` would take hours for 2.8M ratings): one public action per
    rating, ``<user> rated <item>`` with the rating as action object, and one actor-only
    follow per follow, as ``actstream.actions.follow`` writes them."""
    from actstream import registry
    from actstream.models import Action, Follow
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from sentirec.models import Item, Rating

    registry.register(get_user_model(), Item, Rating)
    if Action.objects.exists() and Action.objects.count() == Rating.objects.count():
        print("  django-activity-stream tables already filled", flush=True)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Action._meta.db_table}, {Follow._meta.db_table}")
    started = time.monotonic()
    ct = ContentType.objects.get_for_model
    params = {"user": ct(get_user_model()).pk, "item": ct(Item).pk, "rating": ct(Rating).pk}
    _sql(
        f"""INSERT INTO {Action._meta.db_table} (actor_content_type_id, actor_object_id, verb,
              target_content_type_id, target_object_id, action_object_content_type_id,
              action_object_object_id, timestamp, public)
            SELECT %(user)s, user_id::text, 'rated', %(item)s, item_id::text, %(rating)s,
                   id::text, created, true FROM sentirec_rating""",
        params,
    )
    _sql(
        f"""INSERT INTO {Follow._meta.db_table} (user_id, content_type_id, object_id,
              actor_only, flag, started)
            SELECT follower_id, %(user)s, followee_id::text, true, '', created
            FROM sentirec_follow""",
        params,
    )
    print(f"  django-activity-stream tables filled ({time.monotonic() - started:.0f} s)")


def _train_ciao_model() -> None:
    from sentirec.models import PreferenceModel
    from sentirec.services.recommender import train_recommender

    if PreferenceModel.objects.filter(is_active=True).exists():
        print("  preference model already trained", flush=True)
        return
    started = time.monotonic()
    model = train_recommender(options=MODEL_OPTIONS)
    print(f"  trained {model.version} ({time.monotonic() - started:.0f} s)", flush=True)


#: Training options for the benchmark's model: serving cost depends on the factor sizes,
#: not on how long it trained.
MODEL_OPTIONS = {"solver": "adam", "epochs": 30, "factors": 10}


def _tile_model() -> None:
    """Ciao's factors repeated over the x10 copies, mapped to the copies' ids."""
    import numpy as np
    from django.core.files.base import ContentFile
    from django.db import connection

    from sentirec.feeds import serving
    from sentirec.models import PreferenceModel
    from sentirec.recommend import model_file
    from sentirec.recommend.social_mf import SocialFactorModel
    from sentirec.services.recommender import activate

    if PreferenceModel.objects.filter(is_active=True, version__endswith="-x10").exists():
        print("  tiled x10 model already there", flush=True)
        return
    source = PreferenceModel.objects.get(is_active=True)
    with source.file.open("rb") as handle:
        stored = serving.from_bytes(handle.read())
    state = stored.model.to_state()
    tiled = dict(state)
    keys = {}
    for kind, ids_key, known, tables in (
        ("u", "user_ids", stored.user_keys, ("user_bias", "user_vectors", "trust_vectors")),
        (
            "i",
            "item_ids",
            stored.item_keys,
            ("item_bias", "item_vectors", "implicit_vectors", "group_ids"),
        ),
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT old, new FROM bench_{kind}map ORDER BY new")
            pairs = np.array(cursor.fetchall(), dtype=np.int64)
        # Rows of the stored arrays are aligned with the stored keys; each copy of a key
        # gets its original's row, and the copies are numbered 0..n-1 in key order.
        row_of = {int(key): row for row, key in enumerate(known)}
        pairs = pairs[[int(old) in row_of for old in pairs[:, 0]]]
        rows = np.array([row_of[int(old)] for old in pairs[:, 0]], dtype=np.int64)
        tiled[ids_key] = np.arange(len(pairs))
        keys[kind] = pairs[:, 1].tolist()
        for name in tables:
            if state.get(name) is not None:
                tiled[name] = np.asarray(state[name])[rows]
    model = SocialFactorModel.from_state(tiled)
    registered = PreferenceModel(
        version=f"{source.version[:50]}-x10", config=source.config, metrics=source.metrics
    )
    data = model_file.to_bytes(model, keys["u"], keys["i"])
    registered.file.save(f"bench/{registered.version}.npz", ContentFile(data))
    activate(registered)
    print(f"  tiled {registered.version}: {model.user_ids.size} users", flush=True)


def _sample(n: int) -> list[dict]:
    """``n`` users who follow someone (seeded), plus tokens for the API."""
    from django.db import connection
    from rest_framework.authtoken.models import Token

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT follower_id, count(*) FROM sentirec_follow GROUP BY follower_id
               ORDER BY md5(follower_id::text) LIMIT %s""",
            [n + WARMUP],
        )
        rows = cursor.fetchall()
    users = []
    for user_id, follows in rows:
        token, _ = Token.objects.get_or_create(user_id=user_id)
        users.append({"id": user_id, "token": token.key, "follows": follows})
    return users


WARMUP = 24


def _counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for name, table in (
            ("users", "auth_user"),
            ("items", "sentirec_item"),
            ("ratings", "sentirec_rating"),
            ("follows", "sentirec_follow"),
            ("item stats", "sentirec_itemstats"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[name] = cursor.fetchone()[0]
        cursor.execute(
            """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n), max(n)
               FROM (SELECT count(*) n FROM sentirec_follow GROUP BY follower_id) f"""
        )
        median, most = cursor.fetchone()
    counts["median follows"] = int(median)
    counts["most follows"] = most
    return counts


def prepare(scale: str, users: int) -> None:
    print(f"[{scale}] preparing {DATABASES[scale]}", flush=True)
    _django(scale)
    if scale == "ciao":
        _load_ciao()
        _train_ciao_model()
    else:
        _grow_x10()
        _tile_model()
    _actstream_rows()
    _sql("ANALYZE")
    plan = {"counts": _counts(), "users": _sample(users)}
    plan_file(scale).parent.mkdir(parents=True, exist_ok=True)
    plan_file(scale).write_text(json.dumps(plan))
    print(f"  {plan['counts']}", flush=True)


# =========================================================================== serving
# gunicorn loads ``feed:server()`` (this file, with benchmarks/ on the path).


def server():
    """The site's WSGI app plus the naive endpoint, timed server side.

    Adds ``Server-Timing: app;dur=<ms>`` and ``X-Queries: <n>`` to every response.
    """
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.urls import path

    import socialsite.urls

    socialsite.urls.urlpatterns[:0] = [
        path(NAIVE_PATH.lstrip("/"), naive_view()),
        path(LEAN_PATH.lstrip("/"), lean_view()),
    ]
    django_app = WSGIHandler()

    def application(environ, start_response):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            captured = {}

            def capture(status, headers, exc_info=None):
                captured["args"] = (status, headers, exc_info)

            body = django_app(environ, capture)
            status, headers, exc_info = captured["args"]
        elapsed = (time.perf_counter() - started) * 1000
        headers = [
            *headers,
            ("Server-Timing", f"app;dur={elapsed:.3f}"),
            ("X-Queries", str(count[0])),
        ]
        start_response(status, headers, exc_info)
        return body

    return application


def token_user(request):
    """The user of ``Authorization: Token ...`` (the API's own authentication)."""
    from rest_framework.authentication import TokenAuthentication

    found = TokenAuthentication().authenticate(request)
    return found[0] if found else None


def lean_view():
    """``feed()`` alone, as compact JSON: the API without DRF's serializers."""
    from django.http import JsonResponse

    from sentirec.feeds.feed import feed

    def view(request):
        page = feed(token_user(request))
        entries = [
            {
                "item": entry.item.pk,
                "title": entry.item.title,
                "score": entry.score,
                "reason": entry.reason,
                "explanation": entry.explanation,
            }
            for entry in page.entries
        ]
        return JsonResponse({"cold_start": page.cold_start, "entries": entries})

    return view


def naive_view():
    """django-activity-stream's user stream (``Action.objects.user``), newest 20 actions
    with the library's generic relations, cached per user like the feed's pages."""
    from actstream import registry
    from actstream.models import Action
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.http import JsonResponse

    from sentirec.conf import settings
    from sentirec.models import Item, Rating

    registry.register(get_user_model(), Item, Rating)

    def entries(user) -> list[dict]:
        return [
            {
                "actor": action.actor.get_username(),
                "verb": action.verb,
                "item": {"id": action.target.pk, "title": action.target.title},
                "stars": float(action.action_object.stars),
                "timestamp": action.timestamp.isoformat(),
            }
            for action in Action.objects.user(user)[:20]
        ]

    def view(request):
        user = token_user(request)
        if user is None:
            return JsonResponse({"detail": "token required"}, status=401)
        key = f"bench:naive-feed:{user.pk}"
        page = cache.get(key)
        if page is None:
            page = entries(user)
            cache.set(key, page, settings.FEED_CACHE_SECONDS)
        return JsonResponse({"entries": page})

    return view


# =========================================================================== load


@dataclass
class Run:
    """One pass of every sampled user through an endpoint."""

    name: str
    clients: int
    server_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    wall: float = 0.0
    errors: int = 0

    @staticmethod
    def _pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def row(self) -> dict:
        return {
            "run": self.name,
            "clients": self.clients,
            "n": len(self.server_ms),
            "p50": self._pct(self.server_ms, 50),
            "p95": self._pct(self.server_ms, 95),
            "p99": self._pct(self.server_ms, 99),
            "client_p95": self._pct(self.client_ms, 95),
            "rps": len(self.server_ms) / self.wall if self.wall else 0.0,
            "queries": statistics.mean(self.queries),
            "max_queries": max(self.queries),
            "errors": self.errors,
        }


def hammer(name: str, path: str, users: list[dict], clients: int) -> Run:
    """Each user once, ``clients`` at a time over keep-alive connections."""
    run = Run(name, clients)
    work: queue.Queue = queue.Queue()
    for user in users:
        work.put(user)
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        while True:
            try:
                user = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            connection.request("GET", path, headers={"Authorization": f"Token {user['token']}"})
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if response.status != 200:
                    run.errors += 1
                    continue
                timing = response.getheader("Server-Timing", "app;dur=0")
                run.server_ms.append(float(timing.split("dur=")[1]))
                run.client_ms.append(elapsed)
                run.queries.append(int(response.getheader("X-Queries", "0")))
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - started
    return run


def flush_cache() -> None:
    import redis

    redis.Redis.from_url(f"{REDIS}/{REDIS_DB + 1}").flushdb()


def wait_for_server(process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/api/feed/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s")


def measure(scale: str, levels: list[int]) -> tuple[dict, list[dict], tuple[float, float]]:
    plan = json.loads(plan_file(scale).read_text())
    warmup, users = plan["users"][:WARMUP], plan["users"][WARMUP:]
    command = [
        sys.executable, "-m", "gunicorn", "feed:server()",
        "--workers", str(WORKERS), "--bind", f"127.0.0.1:{PORT}",
        "--log-level", "warning", "--timeout", "120",
    ]  # fmt: skip
    env = {**site_env(scale), "CONN_MAX_AGE": "600", "DEBUG": "0"}
    print(f"[{scale}] serving with {WORKERS} gunicorn workers", flush=True)
    load_before = os.getloadavg()[1]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        wait_for_server(process)
        flush_cache()
        hammer("warm-up", FEED_PATH, warmup * WORKERS, WORKERS)  # imports, model, buffers
        hammer("warm-up naive", NAIVE_PATH, warmup, WORKERS)
        runs = []
        for clients in levels:
            for label, path in (("API", FEED_PATH), ("feed()", LEAN_PATH)):
                flush_cache()
                runs.append(hammer(f"{label} cold", path, users, clients))
                runs.append(hammer(f"{label} warm", path, users, clients))
            flush_cache()
            runs.append(hammer("naive cold", NAIVE_PATH, users, clients))
            runs.append(hammer("naive warm", NAIVE_PATH, users, clients))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    rows = [run.row() for run in runs]
    load = (load_before, os.getloadavg()[1])
    for row in rows:
        print(
            f"  {row['run']:<12} x{row['clients']:<2} n={row['n']:<4} p50={row['p50']:7.1f} ms"
            f"  p95={row['p95']:7.1f} ms  p99={row['p99']:7.1f} ms  {row['rps']:6.1f} req/s"
            f"  client p95={row['client_p95']:7.1f} ms  queries {row['queries']:.1f} (max "
            f"{row['max_queries']})  errors {row['errors']}",
            flush=True,
        )
    print(f"  5-minute load average: {load[0]:.1f} before, {load[1]:.1f} after", flush=True)
    return plan["counts"], rows, load


# =========================================================================== profile


def profile(scale: str, users: int) -> None:
    """Cold pages built in this process, one sampled user at a time with an empty cache
    (the site-wide who-to-follow raters and the model marker rebuilt first, as the first
    request after a flush does): CPU time of ``feed()`` and of the API's serializer, SQL
    time and count, and the time of each query by its place in the page. Measured with
    the feed's compiled queries, then with the ORM building and compiling every query
    (``sentirec.feeds.compiled`` bypassed), then compiled again: the ratio in one run."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from sentirec.feeds import compiled
    from sentirec.feeds.feed import feed

    plan = json.loads(plan_file(scale).read_text())
    User = get_user_model()
    sampled = [User.objects.get(pk=u["id"]) for u in plan["users"][WARMUP : WARMUP + users]]
    for user in sampled:
        feed(user)  # imports, model factors, connection, every query shape compiled
    compiled_rows = compiled.rows

    def through_the_orm(key, build, /, *, fixed=None, **params):
        return list(build(**(fixed or {}), **params))

    for label, rows in (
        ("compiled", compiled_rows),
        ("ORM", through_the_orm),
        ("compiled", compiled_rows),
    ):
        compiled.rows = rows
        _profile_pages(f"[{scale}] {label}:", sampled)
    compiled.rows = compiled_rows


def _profile_pages(label: str, sampled: list) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import RequestFactory
    from rest_framework.request import Request

    from sentirec.api.serializers import FeedPageSerializer
    from sentirec.feeds import serving
    from sentirec.feeds.feed import feed
    from sentirec.feeds.suggestions import site_raters

    cpu, serializer, sql, counts = [], [], [], []
    by_place: dict[int, list[float]] = {}
    request = RequestFactory().get(FEED_PATH)
    for user in sampled:
        cache.clear()
        site_raters()
        serving.active()
        timings: list[float] = []

        def timed(execute, statement, params, many, context, timings=timings):
            started = time.perf_counter()
            try:
                return execute(statement, params, many, context)
            finally:
                timings.append((time.perf_counter() - started) * 1000)

        with connection.execute_wrapper(timed):
            started = time.process_time()
            page = feed(user)
            built = time.process_time()
            wrapped = Request(request)
            wrapped.user = user
            assert FeedPageSerializer(page, context={"request": wrapped}).data["page"] == 1
            done = time.process_time()
        cpu.append((built - started) * 1000)
        serializer.append((done - built) * 1000)
        sql.append(sum(timings))
        counts.append(len(timings))
        for place, ms in enumerate(timings):
            by_place.setdefault(place, []).append(ms)
    pct = Run._pct
    print(
        f"{label} {len(sampled)} cold pages, 5-minute load {os.getloadavg()[1]:.1f}: "
        f"feed() CPU p50 {pct(cpu, 50):.1f} ms p95 {pct(cpu, 95):.1f}; serializer CPU p50 "
        f"{pct(serializer, 50):.1f} ms; SQL wall p50 {pct(sql, 50):.1f} ms p95 "
        f"{pct(sql, 95):.1f} in {statistics.mean(counts):.1f} queries (max {max(counts)})"
    )
    for place, values in sorted(by_place.items()):
        print(f"  query {place + 1}: p50 {pct(values, 50):.2f} ms p95 {pct(values, 95):.2f} ms")


# =========================================================================== report


def report(results: dict, levels: list[int], users: int) -> str:
    lines = [
        "## Feed latency (`benchmarks/feed.py`)",
        "",
        f"Command: `python benchmarks/feed.py --clients {','.join(map(str, levels))} "
        f"--users {users}`. "
        f"Machine: {machine()}, PostgreSQL, Redis and the clients on the same machine. "
        f"Date: {today()}.",
        "",
        f"gunicorn with {WORKERS} sync workers serves `GET {FEED_PATH}` (token auth, DRF "
        "serializer, 20 entries with items, contributors and explanations); "
        "1 or more concurrent keep-alive clients (the clients column) request each sampled "
        "user once with an empty cache (cold), then again (warm). `feed()` is the same "
        "function behind a bare JSON view (no DRF serializers), to separate the feed's cost "
        "from the API's. Latency is server side (around the WSGI "
        "app); client p95 includes the loopback and the client threads. The naive feed is "
        'django-activity-stream itself (2.x, `pip install "sentirec[bench]"`): '
        "`Action.objects.user(user)[:20]` over its own `Action`/`Follow` tables, fed the "
        "same data (one action per rating, one follow per follow), generic relations "
        "fetched by the library; no ranking and no explanations. Its page is cached per "
        "user in the same Redis cache for `FEED_CACHE_SECONDS`, so warm is compared with "
        "warm (a cache hit against a cache hit) and cold with cold (both caches empty).",
        "",
    ]
    for scale, (counts, rows, load) in results.items():
        described = ", ".join(f"{v:,} {k}" for k, v in counts.items())
        lines += [
            f"### {scale}: {described}",
            "",
            f"5-minute load average (`uptime`): {load[0]:.1f} before the runs, {load[1]:.1f} "
            f"at their end, on {os.cpu_count()} cores; anything above the benchmark's own "
            "load (about 1-2) is other work on the machine, and slows every row alike.",
            "",
        ]
        lines += [
            "| run | clients | users | p50 ms | p95 ms | p99 ms | req/s | client p95 ms "
            "| SQL/request (max) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in rows:
            lines.append(
                f"| {r['run']} | {r['clients']} | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | "
                f"{r['p99']:.1f} | "
                f"{r['rps']:.1f} | {r['client_p95']:.1f} | {r['queries']:.1f} "
                f"({r['max_queries']}) |"
            )
        by = {(r["run"], r["clients"]): r for r in rows}
        lines.append("")
        for clients in levels:
            for label in ("API", "feed()"):
                for state in ("cold", "warm"):
                    ours = by[(f"{label} {state}", clients)]
                    naive = by[(f"naive {state}", clients)]
                    lines.append(
                        f"- {clients} client(s), {label} {state}: p95 "
                        f"{ours['p95'] / naive['p95']:.2f}x the naive feed's, req/s "
                        f"{ours['rps'] / naive['rps']:.2f}x."
                    )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="ciao,x10", help="comma-separated: ciao, x10")
    parser.add_argument("--clients", default="1,4", help="concurrency levels, e.g. 1,4")
    parser.add_argument("--users", type=int, default=300, help="sampled users per scale")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/")
    parser.add_argument(
        "--profile", action="store_true", help="profile cold pages in-process instead of serving"
    )
    args = parser.parse_args()
    scales = [s for s in args.scales.split(",") if s]
    levels = [int(n) for n in args.clients.split(",") if n]
    results = {}
    for scale in scales:
        started = time.monotonic()
        child = [sys.executable, __file__, "_prepare", scale, str(args.users)]
        subprocess.run(child, check=True, env=site_env(scale))
        print(f"[{scale}] ready in {time.monotonic() - started:.0f} s", flush=True)
        if args.profile:
            child = [sys.executable, __file__, "_profile", scale, str(args.users)]
            subprocess.run(child, check=True, env=site_env(scale))
            continue
        results[scale] = measure(scale, levels)
    if args.profile:
        return
    text = report(results, levels, args.users)
    print("\n" + text)
    if not args.no_write:
        write_section("feed", text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        prepare(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_profile":
        profile(sys.argv[2], int(sys.argv[3]))
    else:
        main()
