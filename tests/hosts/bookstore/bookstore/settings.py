"""Settings of the bookstore host. The database comes from ``DATABASE_URL`` (SQLite at
``BOOKSTORE_SQLITE`` otherwise); ``BOOKSTORE_EAGER=1`` runs tasks in-process."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("BOOKSTORE_SECRET_KEY", "bookstore-" + "k3y-n0t-s3cr3t-" * 4)
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "readers",
    "books",
    "gate",
    "rest_framework",
    "sentirec",
]

# A page cache in front of everything, on Django's default (per-process) cache: no CACHES.
MIDDLEWARE = [
    "django.middleware.cache.UpdateCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.cache.FetchFromCacheMiddleware",
]
CACHE_MIDDLEWARE_SECONDS = 604800

ROOT_URLCONF = "bookstore.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{os.environ.get('BOOKSTORE_SQLITE', BASE_DIR / 'db.sqlite3')}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = os.environ.get("BOOKSTORE_MEDIA", BASE_DIR / "media")

AUTH_USER_MODEL = "readers.Reader"
LOGIN_URL = "gate:signin"
LOGIN_REDIRECT_URL = "/"

SENTIREC_ITEM_MODEL = "books.Book"
SENTIREC = {"ITEM_TEXT_FIELD": "blurb", "LOGOUT_URL": "gate:signout"}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = os.environ.get("BOOKSTORE_EAGER") == "1"
CELERY_TASK_IGNORE_RESULT = True
