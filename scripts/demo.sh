#!/usr/bin/env bash
# Create the virtual environment, load the demo data and serve the demo site on
# http://127.0.0.1:$PORT (default 8000) with the embedded defaults: SQLite, in-process
# tasks, no Redis.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8000}
case "$PORT" in
  '' | *[!0-9]*) echo "PORT must be a port number, not '$PORT'" >&2; exit 2 ;;
esac

PYTHON=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .

unset DATABASE_URL REDIS_URL REDIS_CACHE_URL CELERY_BROKER_URL
export DEBUG="${DEBUG:-1}"
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py sentirec_demo --verbosity 0
echo "Serving http://127.0.0.1:$PORT/ (Ctrl-C to stop)"
exec .venv/bin/python manage.py runserver "127.0.0.1:$PORT"
