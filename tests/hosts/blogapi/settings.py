"""The blog's settings. ``BLOGAPI_DIR`` is where its SQLite file and media go."""

import os
from pathlib import Path

WITH_SENTIREC = os.environ.get("BLOGAPI_SENTIREC", "1") == "1"
DIR = Path(os.environ["BLOGAPI_DIR"])

SECRET_KEY = "blogapi-test-key-" + "x" * 50
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "tests.hosts.blogapi.blog",
    *(["sentirec"] if WITH_SENTIREC else []),
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "tests.hosts.blogapi.urls"
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
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DIR / "blog.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "static/"
MEDIA_ROOT = DIR / "media"
CACHES = {  # shared by the site's processes (rate limits must be)
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DIR / "cache",
    }
}
LOGIN_URL = "/accounts/login/"

# Deployed as a real site would be.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = ["security.W008"]  # TLS ends at the proxy in front

# The blog's own API: nothing without a login, its own authentication and pagination.
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 2,
    "DEFAULT_FILTER_BACKENDS": ["rest_framework.filters.OrderingFilter"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {"TITLE": "Blog API", "VERSION": "2.0.0"}

CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"

# sentirec reviews the blog's posts; the API may show their title and author only, and
# visitors see published posts only.
SENTIREC_ITEM_MODEL = "blog.Post"
SENTIREC = {
    "ITEM_FIELDS": ["author"],
    "ITEM_VISIBILITY": "tests.hosts.blogapi.blog.rules.visible_posts",
}
