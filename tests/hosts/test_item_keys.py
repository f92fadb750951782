"""sentirec's pages work whatever primary key the host's item model has (integer, UUID,
slug), and "newest" means the newest item, not the largest key.

Each host runs in a child process, because the item model is fixed per process.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.processes import ROOT, run_python

pytestmark = pytest.mark.slow

SETTINGS = """
from pathlib import Path

SECRET_KEY = "test"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "catalog",
    "sentirec",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "keyhost.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": Path(__file__).parents[1] / "db.sqlite3"}}
# The shipped model's copy goes here, not under the working directory (the repository,
# where it once landed in sentirec/models/ and was committed).
MEDIA_ROOT = Path(__file__).parents[1] / "media"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
SENTIREC_ITEM_MODEL = "catalog.Thing"
"""

CELERY = """
from celery import Celery

app = Celery("keyhost")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""

URLS = """
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("reviews/", include("sentirec.urls")),
]
"""

#: The item model per key type: an old and a new item whose keys sort the other way
#: round from their dates, so ordering by the key would put the old one first.
MODELS = {
    "int": """
        class Thing(models.Model):
            name = models.CharField(max_length=100)
            created_at = models.DateTimeField()

            def __str__(self):
                return self.name
        """,
    "uuid": """
        import uuid

        class Thing(models.Model):
            id = models.UUIDField(primary_key=True, default=uuid.uuid4)
            name = models.CharField(max_length=100)
            added = models.DateTimeField()

            class Meta:
                get_latest_by = "added"

            def __str__(self):
                return self.name
        """,
    "slug": """
        class Thing(models.Model):
            slug = models.SlugField(primary_key=True)
            name = models.CharField(max_length=100)

            def __str__(self):
                return self.name
        """,
}
ITEMS = {
    "int": ("{'pk': 2, 'created_at': OLD}", "{'pk': 1, 'created_at': NEW}"),
    "uuid": (
        "{'pk': 'ffffffff-0000-4000-8000-000000000000', 'added': OLD}",
        "{'pk': '00000000-0000-4000-8000-000000000000', 'added': NEW}",
    ),
    "slug": ("{'pk': 'zz-old-thing'}", "{'pk': 'aa-new-thing'}"),
}
#: Ids that are not how an item's URL writes its key: each must be a 404.
BAD_IDS = {
    "int": ["007", "1.5", "abc", "99999999999999999999999"],
    "uuid": ["not-a-uuid", "FFFFFFFF-0000-4000-8000-000000000000", "12"],
    "slug": ["no-such-thing", "%00"],
}

SCRIPT = """
import json
from datetime import timedelta

import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from catalog.models import Thing
from sentirec.models import Review

NEW, OLD = timezone.now(), timezone.now() - timedelta(days=30)
old = Thing.objects.create(name="Old thing", **{old})
new = Thing.objects.create(name="New thing", **{new})
out = {{}}
User = get_user_model()
ann = User.objects.create_user("ann", password="a-long-pass-phrase-1")
bob = User.objects.create_user("bob", password="a-long-pass-phrase-1")
client = Client()
client.force_login(ann)
base = f"/reviews/items/{{old.pk}}/"
out["detail"] = client.get(base).status_code
out["review"] = client.post(base + "review/", {{"stars": "4", "text": "Lovely old thing."}}).url
stars = {{"stars": "5", "rating-stars": "5"}}  # with and without the form's prefix
out["rating"] = client.post(f"/reviews/items/{{new.pk}}/rating/", stars).url
out["scored"] = Review.objects.get(user=ann).sentiment_status
bobs = Client()
bobs.force_login(bob)
bobs.post(f"/reviews/items/{{new.pk}}/review/", {{"stars": "2", "text": "Just new."}})
bobs.post("/reviews/people/ann/follow/")
pages = ["/reviews/", "/reviews/items/", "/reviews/items/?order=top",
         "/reviews/items/?order=reviews", "/reviews/people/ann/",
         "/reviews/people/ann/?tab=ratings", "/reviews/people/bob/?tab=reviews"]
out["pages"] = {{page: bobs.get(page).status_code for page in pages}}
out["feed_links"] = bobs.get("/reviews/").content.decode().count(f"/reviews/items/{{old.pk}}/")
newest = bobs.get("/reviews/items/?order=new").content.decode()
out["newest_first"] = newest.index("New thing") < newest.index("Old thing")
rows = bobs.get("/reviews/api/items/", {{"order": "new"}}).json()["results"]
keys = [{{str(value) for value in row.values()}} for row in rows]  # whatever names the key
out["api_newest"] = str(new.pk) in keys[0] and str(old.pk) in keys[1]
out["bad"] = {{bad: client.get(f"/reviews/items/{{bad}}/").status_code for bad in {bad}}}
out["delete"] = client.post(base + "review/delete/").url
out["absolute"] = Thing._meta.pk.name, str(old.pk)
print("RESULT", json.dumps(out))
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def host(tmp_path: Path, key: str) -> dict[str, str]:
    write(tmp_path / "keyhost" / "settings.py", SETTINGS)
    write(tmp_path / "keyhost" / "__init__.py", "from .celery import app as celery_app\n")
    write(tmp_path / "keyhost" / "celery.py", CELERY)
    write(tmp_path / "keyhost" / "urls.py", URLS)
    write(tmp_path / "catalog" / "__init__.py", "")
    write(tmp_path / "catalog" / "migrations" / "__init__.py", "")
    models = "from django.db import models\n" + textwrap.dedent(MODELS[key])
    write(tmp_path / "catalog" / "models.py", models)
    return {"DJANGO_SETTINGS_MODULE": "keyhost.settings", "PYTHONPATH": f"{tmp_path}:{ROOT}"}


@pytest.mark.parametrize("key", ["int", "uuid", "slug"])
def test_pages_work_with_any_item_key(tmp_path, key):
    env = host(tmp_path, key)
    unset = ["DATABASE_URL", "CELERY_BROKER_URL"]
    run_python("-m", "django", "makemigrations", "catalog", "-v", "0", env=env, unset=unset)
    run_python("-m", "django", "migrate", "-v", "0", env=env, unset=unset)
    checked = run_python("-m", "django", "check", env=env, unset=unset)
    # The slug model has no date field: "newest" falls back, and check says so.
    assert ("sentirec.W010" in checked.stderr + checked.stdout) == (key == "slug")
    old, new = ITEMS[key]
    write(tmp_path / "journey.py", SCRIPT.format(old=old, new=new, bad=BAD_IDS[key]))
    output = run_python(str(tmp_path / "journey.py"), env=env, unset=unset).stdout
    out = json.loads(output.split("RESULT ", 1)[1])
    _, old_pk = out["absolute"]
    item_url = f"/reviews/items/{old_pk}/"
    assert out["detail"] == 200
    assert out["review"] == item_url + "#your-review"
    assert out["rating"].startswith("/reviews/items/")
    assert out["scored"] in {"scored", "pending"}
    assert out["pages"] == dict.fromkeys(out["pages"], 200), out["pages"]
    assert out["feed_links"] >= 1  # ann's review of the old thing is in bob's feed
    assert out["newest_first"] and out["api_newest"]
    assert out["bad"] == dict.fromkeys(BAD_IDS[key], 404), out["bad"]
    assert out["delete"] == item_url
