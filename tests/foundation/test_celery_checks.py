"""System checks say exactly what is missing when a host's Celery wiring would leave every
review pending: no app loaded, eager mode or a broker URL that no app reads, no broker."""

from __future__ import annotations

import pytest
from celery import Celery, _state

from sentirec.checks import check_celery


def ids(found) -> list[str]:
    return [message.id for message in found]


@pytest.fixture
def current(monkeypatch):
    """Make ``app`` this process's current Celery app (None: none was ever created)."""

    def use(app: Celery | None) -> None:
        monkeypatch.setattr(_state, "default_app", None)
        monkeypatch.setattr(_state._tls, "current_app", app)

    return use


def host_app(**config) -> Celery:
    app = Celery("hostproject", set_as_current=False)
    app.conf.update(config)
    return app


def wired_app() -> Celery:
    """What docs/install.md's celery.py builds."""
    app = Celery("hostproject", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    return app


def test_the_guides_wiring_passes(current, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    current(wired_app())
    assert check_celery() == []
    settings.CELERY_TASK_ALWAYS_EAGER = True
    current(wired_app())
    assert check_celery() == []


def test_no_app_loaded_says_to_import_it_in_the_projects_init(current, settings):
    """The guide's celery.py without ``from .celery import app`` in ``__init__.py``."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    current(None)  # celery.current_app is now Celery's fallback
    found = check_celery()
    assert ids(found) == ["sentirec.W020", "sentirec.W022"]
    assert "No Celery app is loaded" in found[0].msg
    assert "amqp://guest@localhost//" in found[0].msg
    assert "from .celery import app as celery_app" in found[0].hint
    assert found[1].msg == (
        "CELERY_BROKER_URL is 'redis://127.0.0.1:6379/0', but Celery's fallback app "
        "publishes to amqp://guest@localhost//."
    )


def test_eager_mode_that_no_app_reads(current, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"  # read: only eager mode is not
    current(host_app(broker_url="redis://127.0.0.1:6379/0"))
    found = check_celery()
    assert ids(found) == ["sentirec.W021"]
    assert found[0].msg == (
        "CELERY_TASK_ALWAYS_EAGER is True, but the Celery app 'hostproject' does not read "
        "it: tasks are sent to redis://127.0.0.1:6379/0 instead of running in-process."
    )
    assert 'config_from_object("django.conf:settings", namespace="CELERY")' in found[0].hint


def test_a_broker_url_the_app_does_not_read(current, settings):
    settings.CELERY_BROKER_URL = "redis://broker.internal:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    current(host_app())
    found = check_celery()
    assert ids(found) == ["sentirec.W022"]
    assert "'redis://broker.internal:6379/0'" in found[0].msg
    assert "publishes to amqp://guest@localhost//" in found[0].msg


def test_no_broker_configured_anywhere(current, settings):
    del settings.CELERY_BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    current(wired_app())
    found = check_celery()
    assert ids(found) == ["sentirec.W023"]
    assert "amqp://guest@localhost//" in found[0].msg
    assert "CELERY_BROKER_URL" in found[0].hint and "CELERY_TASK_ALWAYS_EAGER" in found[0].hint


def test_the_demo_host_is_clean(current):
    """socialsite imports its app in ``__init__`` and reads the CELERY_* settings."""
    from socialsite.celery import app

    current(app)
    assert check_celery() == []


HOST_SETTINGS = """
SECRET_KEY = "host-secret-key-for-a-check-only"
DEBUG = True
INSTALLED_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "rest_framework", "drf_spectacular", "sentirec",
]
ROOT_URLCONF = "hostsite.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
"""

GUIDE_CELERY = """
import os
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostsite.settings")
app = Celery("hostsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""


@pytest.mark.slow
def test_manage_py_check_in_a_host_that_never_imports_its_celery_app(tmp_path):
    """The reported host: the guide's celery.py, but an empty ``__init__.py``."""
    from tests.processes import ROOT, run_python

    package = tmp_path / "hostsite"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(HOST_SETTINGS)
    (package / "celery.py").write_text(GUIDE_CELERY)
    (package / "urls.py").write_text(
        "from django.urls import include, path\n"
        'urlpatterns = [path("", include("sentirec.urls"))]\n'
    )
    env = {"DJANGO_SETTINGS_MODULE": "hostsite.settings", "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    unset = ["CELERY_BROKER_URL", "DATABASE_URL"]
    output = run_python("-m", "django", "check", env=env, unset=unset).stderr
    assert "sentirec.W020" in output and "from .celery import app as celery_app" in output
    (package / "__init__.py").write_text(
        'from .celery import app as celery_app\n__all__ = ("celery_app",)\n'
    )
    output = run_python("-m", "django", "check", env=env, unset=unset)
    assert "sentirec.W02" not in output.stdout + output.stderr
