"""What the benchmark scripts share: the Django site on a throwaway PostgreSQL database
(for those that need one), the machine and date lines of their tables, and the one way
to rewrite a script's own section of a docs page (docs/benchmarks.md by default)."""

from __future__ import annotations

import os
import platform
import secrets
import sys
from datetime import date
from pathlib import Path

from sentirec.sentiment import markdown

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS_DOC = ROOT / "docs" / "benchmarks.md"


def use_bench_database(name: str, redis_db: int) -> None:
    """Point Django at PostgreSQL database ``name`` (created if missing) and Redis ``redis_db``;
    call before ``django.setup()``. ``BENCH_DATABASE`` and ``BENCH_REDIS_DB`` override both, so
    two people can run one benchmark side by side."""
    import psycopg2

    name = os.environ.get("BENCH_DATABASE", name)
    redis_db = int(os.environ.get("BENCH_REDIS_DB", redis_db))

    base = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    redis = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
    os.environ.update(
        DATABASE_URL=f"{base}/{name}",
        REDIS_URL=f"{redis}/{redis_db}",
        REDIS_CACHE_URL=f"{redis}/{redis_db + 1}",
        DJANGO_SETTINGS_MODULE="socialsite.settings",
        CONN_MAX_AGE="0",
        # DEBUG is off, as in production: the site refuses the public demo key then.
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def machine() -> str:
    """One line naming the machine, for the results table."""
    cores = os.cpu_count()
    return f"{platform.machine()} {platform.processor() or ''} {cores} cores".replace("  ", " ")


def today() -> str:
    return date.today().isoformat()


def write_section(marker: str, text: str, path: Path = BENCHMARKS_DOC) -> None:
    """Replace section ``marker`` of ``path`` (docs/benchmarks.md by default)."""
    markdown.write_section(path, marker, text)
