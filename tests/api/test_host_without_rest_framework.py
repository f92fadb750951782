"""A host with no ``REST_FRAMEWORK`` setting at all (DRF's own schema class, no token
authentication by default): sentirec's schema, docs page and token login still work, and
``check --deploy`` gains no drf_spectacular error.

The host runs in a subprocess: its settings, and the schema classes drf-spectacular
chooses at import, are fixed per process.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.foundation.test_install import make_host, write
from tests.processes import ROOT, run_python

pytestmark = pytest.mark.slow

URLS = """
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("sentirec.urls")),
]
"""

SCRIPT = """
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client

get_user_model().objects.create_user("ann", password="a-long-pass-phrase-1")
client = Client()
schema = client.get("/api/schema/", {"format": "json"})
docs = client.get("/api/docs/")
token = client.post(
    "/api/auth/token/",
    {"username": "ann", "password": "a-long-pass-phrase-1"},
    content_type="application/json",
)
auth = {"HTTP_AUTHORIZATION": "Token " + token.json()["token"]}
print(json.dumps({
    "schema": [schema.status_code, schema.json()["info"]["title"], sorted(schema.json()["paths"])],
    "docs": [docs.status_code, "Authorization: Token" in docs.content.decode()],
    "items": client.get("/api/items/").status_code,
    "feed": client.get("/api/feed/", **auth).status_code,
}))
"""


def run(tmp_path: Path, package: str, *args: str) -> subprocess.CompletedProcess:
    """``python *args`` with the host's settings, importing this checkout's sentirec."""
    env = {
        "DJANGO_SETTINGS_MODULE": f"{package}.settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    unset = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    return run_python(*args, env=env, unset=unset, timeout=300)


def test_schema_docs_and_tokens_work_without_rest_framework_settings(tmp_path):
    make_host(
        tmp_path,
        "barehost",
        extra_apps='"rest_framework.authtoken", "drf_spectacular",',
        extra_settings=f"MEDIA_ROOT = {str(tmp_path / 'media')!r}",  # the shipped model's copy
    )
    write(tmp_path / "barehost" / "urls.py", URLS)
    checked = run(tmp_path, "barehost", "-m", "django", "check", "--deploy", "--fail-level=ERROR")
    assert "drf_spectacular" not in checked.stdout + checked.stderr
    assert "sentirec.E" not in checked.stdout + checked.stderr  # (it has no Celery app: W020)
    run(tmp_path, "barehost", "-m", "django", "migrate", "-v", "0")
    write(tmp_path / "script.py", SCRIPT)
    output = run(tmp_path, "barehost", str(tmp_path / "script.py")).stdout
    found = json.loads(output.splitlines()[-1])
    status, title, paths = found["schema"]
    assert (status, title) == (200, "sentirec API")
    assert {"/api/items/", "/api/auth/token/", "/api/feed/"} <= set(paths)
    assert found["docs"] == [200, True]
    assert found["items"] == 200 and found["feed"] == 200
