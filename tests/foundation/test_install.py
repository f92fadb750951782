"""Installing sentirec into a site that is not socialsite works as docs/install.md says:
add "sentirec" to INSTALLED_APPS, include its urls, migrate. Also with a swapped item model.

Each host runs in a subprocess, because Django settings are per process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SETTINGS = """
SECRET_KEY = "test"
DEBUG = True
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    {extra_apps}
    "sentirec",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "{package}.urls"
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]}},
}}]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
# Uploaded files (the shipped model's copy) away from the host's import path: Django's
# default MEDIA_ROOT is the working directory, whose sentirec/models/ folder would shadow
# the editable sentirec package as a namespace package.
MEDIA_ROOT = {media!r}
CELERY_TASK_ALWAYS_EAGER = True
{extra_settings}
"""

URLS = """
from django.contrib import admin
from django.urls import include, path

urlpatterns = [path("admin/", admin.site.urls), path("reviews/", include("sentirec.urls"))]
"""

CELERY = """
from celery import Celery

app = Celery("{package}")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""

SHOP_MODELS = """
from django.db import models

class Product(models.Model):
    name = models.CharField(max_length=100)
    sku = models.CharField(max_length=20, unique=True)

    def __str__(self):
        return self.name
"""

SHOP_MIGRATION = """
from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=100)),
                ("sku", models.CharField(max_length=20, unique=True)),
            ],
        ),
    ]
"""

SCRIPT = """
import django
django.setup()
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from sentirec.models import Review, Rating, SentimentModel
from sentirec.conf import item_model_label

Item = apps.get_model(item_model_label())
user = get_user_model().objects.create_user("host-user", password="x-long-pass-phrase")
item = Item.objects.create(**{item_kwargs})
Rating.objects.create(user=user, item=item, stars=4)
review = Review.objects.create(user=user, item=item, text="Works in any site.")
print("FK", Review._meta.get_field("item").related_model._meta.label)
print("STATUS", review.sentiment_status)
active = SentimentModel.objects.get(is_active=True)
stored = active.file.storage.exists(active.file.name)
print("ACTIVE-MODEL", active.training_data.get("shipped"), stored)
staff = get_user_model().objects.create_superuser("host-admin", password="x-long-pass-phrase")
client = Client()
client.force_login(staff)
for model in ("review", "rating", "itemstats"):
    found = client.get(f"/admin/sentirec/{{model}}/", {{"q": "Kettle"}})
    print("ADMIN-SEARCH", model, found.status_code, found.content.count(b"Kettle") > 0)
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def run(tmp_path: Path, package: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": f"{package}.settings",
        # the host first, then whatever this run imports sentirec from
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def make_host(tmp_path: Path, package: str, extra_apps="", extra_settings="") -> None:
    write(
        tmp_path / package / "settings.py",
        SETTINGS.format(
            package=package,
            db=str(tmp_path / "db.sqlite3"),
            media=str(tmp_path / "media"),
            extra_apps=extra_apps,
            extra_settings=extra_settings,
        ),
    )
    # The Celery wiring docs/install.md gives: the app, loaded when Django starts.
    write(tmp_path / package / "__init__.py", "from .celery import app as celery_app\n")
    write(tmp_path / package / "celery.py", CELERY.format(package=package))
    write(tmp_path / package / "urls.py", URLS)


def test_minimal_host_migrates_checks_and_stores_reviews(tmp_path):
    make_host(tmp_path, "minihost")
    run(tmp_path, "minihost", "-m", "django", "migrate", "-v", "0")
    checked = run(tmp_path, "minihost", "-m", "django", "check")
    assert "no issues" in checked.stdout
    write(tmp_path / "script.py", SCRIPT.format(item_kwargs='{"title": "Kettle"}'))
    out = run(tmp_path, "minihost", "script.py").stdout
    assert "FK sentirec.Item" in out
    assert "STATUS pending" in out
    assert "ACTIVE-MODEL True True" in out  # the shipped model, registered by migrate
    for model in ("review", "rating", "itemstats"):
        assert f"ADMIN-SEARCH {model} 200 True" in out


def test_host_with_its_own_item_model(tmp_path):
    make_host(
        tmp_path,
        "shophost",
        extra_apps='"shop",',
        extra_settings='SENTIREC_ITEM_MODEL = "shop.Product"',
    )
    write(tmp_path / "shop" / "__init__.py", "")
    write(tmp_path / "shop" / "models.py", SHOP_MODELS)
    write(tmp_path / "shop" / "migrations" / "__init__.py", "")
    write(tmp_path / "shop" / "migrations" / "0001_initial.py", SHOP_MIGRATION)
    run(tmp_path, "shophost", "-m", "django", "migrate", "-v", "0")
    checked = run(tmp_path, "shophost", "-m", "django", "check").stderr
    # Product has no date field: "newest" sorts by first review, and check says so.
    assert re.findall(r"\((\w+\.[EW]\d+)\)", checked) == ["sentirec.W010"], checked
    write(tmp_path / "script.py", SCRIPT.format(item_kwargs='{"name": "Kettle", "sku": "K-1"}'))
    out = run(tmp_path, "shophost", "script.py").stdout
    assert "FK shop.Product" in out
    for model in ("review", "rating", "itemstats"):  # found by the product's name
        assert f"ADMIN-SEARCH {model} 200 True" in out
    tables = run(
        tmp_path,
        "shophost",
        "-c",
        "import django; django.setup(); from django.db import connection; "
        "print(sorted(connection.introspection.table_names()))",
    ).stdout
    assert "'sentirec_item'" not in tables  # the swapped-out default gets no table
    assert "shop_product" in tables and "sentirec_review" in tables
