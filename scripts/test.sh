#!/usr/bin/env bash
# Create the virtual environment and run the whole test suite (fast, slow and browser tests).
#
# Uses PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, or when they answer on
# 127.0.0.1 (5432, 6379). Otherwise it says so and runs on SQLite and a local-memory cache;
# tests that need the real services are then skipped. CI (.ci/run) always provides them and
# sets SENTIREC_REQUIRE_SERVICES=1, which turns any such skip into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"

answers() {  # host port -> exit 0 when something listens there
  .venv/bin/python -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)" "$1" "$2" 2>/dev/null
}

if [ -z "${DATABASE_URL:-}" ]; then
  if answers 127.0.0.1 5432; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
  else
    echo "NOTE: no PostgreSQL on 127.0.0.1:5432 and no DATABASE_URL: using SQLite." \
         "Tests that need PostgreSQL, Redis and a Celery worker will be skipped."
  fi
fi
if [ -z "${REDIS_URL:-}" ]; then
  if answers 127.0.0.1 6379; then
    export REDIS_URL="redis://127.0.0.1:6379/14"
    export REDIS_CACHE_URL="${REDIS_CACHE_URL:-redis://127.0.0.1:6379/15}"
  else
    echo "NOTE: no Redis on 127.0.0.1:6379 and no REDIS_URL: using a local-memory cache" \
         "and in-process tasks."
  fi
fi
echo "database: ${DATABASE_URL:-sqlite (var/)}; redis: ${REDIS_URL:-none}"

# -m "" selects every test, overriding the fast-only default in pyproject.toml.
exec .venv/bin/python -m pytest -m "" "$@"
