"""Logins locked out after repeated failures, cookie flags, HTTPS and ``check --deploy``."""

from __future__ import annotations

import importlib
import re
import time
from datetime import timedelta
from http.cookies import Morsel
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.core.management.utils import get_random_secret_key
from django.test import Client
from rest_framework.test import APIClient

from tests.processes import run_python

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RIGHT = "a-long-pass-phrase-1"  # make_user's password


def log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, times: int, username: str = "alice") -> None:
    for _ in range(times):
        response = log_in(client, username, "wrong")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()


def lock_out(client: Client, username: str = "alice") -> None:
    """Fail until the (username, address) pair is locked: the failure that reaches the
    limit is answered with the lockout."""
    fail(client, settings.AXES_FAILURE_LIMIT - 1, username.upper())  # any case counts
    locked = log_in(client, username, "wrong")
    assert locked.status_code == 429, locked.content[:300]


def test_failed_logins_lock_out_that_username_from_that_address(client, user):
    lock_out(client)
    locked = log_in(client, "alice", RIGHT)  # the right password no longer helps
    assert locked.status_code == 429
    assert "Too many failed logins for this username" in locked.content.decode()
    assert not signed_in(client)
    token = APIClient().post("/api/auth/token/", {"username": "alice", "password": RIGHT})
    assert token.status_code == 429 and token.json()["code"] == "throttled"
    assert "Too many failed logins" in token.json()["detail"] and token["Retry-After"]
    admin_login = client.post("/admin/login/", {"username": "alice", "password": RIGHT})
    assert admin_login.status_code == 429 and not signed_in(client)


def test_the_lockout_is_per_address_and_username(client, user, other_user):
    lock_out(client)
    assert log_in(client, "alice", RIGHT).status_code == 429
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert log_in(elsewhere, "alice", RIGHT).status_code == 302 and signed_in(elsewhere)
    assert log_in(client, "bob", RIGHT).status_code == 302 and signed_in(client)


def test_failures_through_the_token_endpoint_count_too(client, user):
    api = APIClient()
    codes = [
        api.post("/api/auth/token/", {"username": "alice", "password": "x"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert set(codes[:-1]) <= {401} and codes[-1] == 429
    assert log_in(client, "alice", RIGHT).status_code == 429


def test_a_success_clears_the_count_and_the_lockout_ends(client, user, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "alice", RIGHT).status_code == 302
    client.post("/accounts/logout/")
    lock_out(client)
    assert log_in(client, "alice", RIGHT).status_code == 429
    time.sleep(1.2)
    assert log_in(client, "alice", RIGHT).status_code == 302


def cookie(response, name: str) -> Morsel:
    assert name in response.cookies, f"{name} not set"
    return response.cookies[name]


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, user):
    form = client.get(LOGIN)
    csrf = cookie(form, "csrftoken")
    session = cookie(log_in(client, "alice", RIGHT), "sessionid")
    for morsel in (csrf, session):
        assert morsel["httponly"] and morsel["samesite"] == "Lax"


@pytest.fixture
def production(settings, monkeypatch):
    """socialsite.settings_production applied over the test settings (every name it changes)."""
    monkeypatch.setenv("SECRET_KEY", get_random_secret_key())
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    base = importlib.import_module("socialsite.settings")
    module = importlib.reload(importlib.import_module("socialsite.settings_production"))
    changed = {
        name: getattr(module, name)
        for name in dir(module)
        if name.isupper() and getattr(module, name) != getattr(base, name, object())
    }
    for name, value in changed.items():
        setattr(settings, name, value)
    # No collectstatic ran for these in-process requests: static URLs unhashed (the
    # served, hashed files are test_production_settings_serve_the_static_files...).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    return changed


def test_production_cookies_are_secure_and_http_is_redirected(production, client, user):
    assert {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"} <= set(production)
    plain = client.get("/about/")
    assert plain.status_code == 301 and plain.url == "https://testserver/about/"
    form = client.get(LOGIN, secure=True)
    assert form["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    response = client.post(LOGIN, {"username": "alice", "password": RIGHT}, secure=True)
    for morsel in (cookie(form, "csrftoken"), cookie(response, "sessionid")):
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax"
    proxied = client.get("/about/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200  # TLS ended at the proxy in front


def test_production_settings_refuse_a_missing_or_weak_secret_key(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org")
    for weak in ("", "short", "a" * 60):
        monkeypatch.setenv("SECRET_KEY", weak)
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
            importlib.reload(importlib.import_module("socialsite.settings_production"))


def test_the_development_settings_fail_check_deploy():
    """The check below can fail: the demo defaults (plain HTTP) are flagged."""
    with pytest.raises(SystemCheckError, match=r"security\.W(004|008|012)"):
        call_command("check", deploy=True, fail_level="WARNING")


def test_check_deploy_is_clean_with_the_production_settings():
    env = {
        "DJANGO_SETTINGS_MODULE": "socialsite.settings_production",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "sentirec.example",
        "DATABASE_URL": "",
        "REDIS_CACHE_URL": "redis://127.0.0.1:6379/0",  # a shared cache (not connected to)
    }
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_a_per_process_throttle_cache():
    """Under gunicorn with 2 workers, 9 wrong passwords got through a lockout of 5."""
    env = {
        "DJANGO_SETTINGS_MODULE": "socialsite.settings_production",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "sentirec.example",
        "DATABASE_URL": "",
    }
    refused = run_python("manage.py", "check", env=env, unset=["REDIS_CACHE_URL", "REDIS_URL"],
                         succeeds=False)  # fmt: skip
    assert "socialsite.E002" in refused.stderr and "REDIS_CACHE_URL" in refused.stderr


def test_the_default_settings_refuse_to_serve_with_debug_off_and_the_demo_key():
    """The demo (DEBUG=1) runs on the public demo key; with DEBUG off the default settings
    fail their system checks (runserver, migrate) and the WSGI entry point (gunicorn)."""
    demo = {
        "DJANGO_SETTINGS_MODULE": "socialsite.settings",
        "DATABASE_URL": "",
        "REDIS_CACHE_URL": "redis://127.0.0.1:6379/0",  # a shared cache (not connected to)
    }
    for entry in (["manage.py", "check"], ["-c", "import socialsite.wsgi"]):
        refused = run_python(*entry, env={**demo, "DEBUG": "0"}, unset=["SECRET_KEY"],
                             succeeds=False)  # fmt: skip
        assert "SECRET_KEY is the public demo key" in refused.stderr
        run_python(*entry, env={**demo, "DEBUG": "1"}, unset=["SECRET_KEY"])
        run_python(*entry, env={**demo, "DEBUG": "0", "SECRET_KEY": get_random_secret_key()})


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, item):
    for url in ("/", f"/items/{item.pk}/", "/about/", "/api/docs/", LOGIN):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", (url, policy)
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_no_template_has_an_inline_script():
    """script-src 'self' costs nothing only while every script is a static file."""
    root = Path(__file__).resolve().parents[2]
    templates = [*root.glob("sentirec/templates/**/*.html"), *root.glob("templates/**/*.html")]
    inline = [
        str(path.relative_to(root))
        for path in templates
        for tag in re.findall(r"<script\b[^>]*>", path.read_text())
        if "src=" not in tag and "application/json" not in tag
    ]
    assert templates and inline == []


PRODUCTION_STATIC = """
import re
from django.core.management import call_command
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)
client = Client()
page = client.get("/accounts/login/", secure=True)
css = re.search(r'href="(/static/sentirec/sentirec\\.[0-9a-f]+\\.css)"', page.content.decode())
js = re.search(r'src="(/static/sentirec/sentirec\\.[0-9a-f]+\\.js)"', page.content.decode())
for url in (css.group(1), js.group(1)):
    answer = client.get(url, secure=True)
    body = b"".join(answer.streaming_content)
    print(url, answer.status_code, len(body), answer["Cache-Control"])
"""


def test_production_settings_serve_the_static_files_after_collectstatic(tmp_path):
    """gunicorn with the production settings answered 404 for the CSS and JS; now the site
    serves them itself (WhiteNoise), content-hashed and cached, after collectstatic."""
    env = {
        "DJANGO_SETTINGS_MODULE": "socialsite.settings_production",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "",
        "REDIS_CACHE_URL": "redis://127.0.0.1:6379/0",
        "SENTIREC_VAR_DIR": str(tmp_path),
    }
    script = "import django; django.setup()\n" + PRODUCTION_STATIC
    lines = run_python("-c", script, env=env).stdout.split("\n")
    served = [line.split() for line in lines if line.startswith("/static/")]
    assert len(served) == 2
    for _url, status, size, *cache_control in served:
        assert status == "200" and int(size) > 1000
        assert "max-age=315360000" in " ".join(cache_control)
