"""Settings for the demo host site, read from the environment.

Defaults give the embedded setup: SQLite, local-memory cache and Celery tasks run
in-process. Set ``DATABASE_URL`` and ``REDIS_URL`` for PostgreSQL, Redis and workers.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SENTIREC_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
#: Public, so fit only for DEBUG: with DEBUG off the site refuses to serve on it
#: (socialsite/checks.py).
DEMO_SECRET_KEY = "insecure-demo-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEMO_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "csp",
    "sentirec",
    "socialsite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every answer (django-csp; CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 (socialsite/auth.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socialsite.urls"
WSGI_APPLICATION = "socialsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite file lives here
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
#: The cache may live in another Redis database than the broker (clearing it then
#: never touches queued tasks).
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", REDIS_URL)


def redis_cache(location: str) -> dict:
    """django-redis at ``location``; while Redis is down every call reads as a miss and
    writes are dropped (``IGNORE_EXCEPTIONS``), so a posted review is never lost to it
    (socialsite/cache.py covers the one call django-redis lets raise)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "socialsite"),
        "OPTIONS": {
            "CLIENT_CLASS": "socialsite.cache.Client",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 2,
            "IGNORE_EXCEPTIONS": True,
        },
    }


# Without Redis the cache is per process: fine for the demo (DEBUG=1, one process); with
# DEBUG off the system checks refuse it, as rate limits and lockouts are counted in it.
CACHES = {
    "default": redis_cache(REDIS_CACHE_URL)
    if REDIS_CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
#: Log a warning for each cache call that failed (Redis down) instead of staying silent.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "socialsite.cache"

# Celery: a broker when REDIS_URL (or CELERY_BROKER_URL) is set; otherwise tasks run
# in-process so the demo still scores reviews.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL) or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when the broker is down: the review is saved and the sweeper enqueues it later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task unacknowledged this long (its worker died) is delivered again.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600")),
    "max_retries": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0

#: Login lockout (django-axes) and login rate limits (sentirec), then Django's backend:
#: socialsite/auth.py.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "socialsite.auth.RateLimitedModelBackend",
]
#: Failed logins per (username, client address) before that pair is locked out, and for
#: how long; counted in the shared cache, the address as sentirec reads it.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(seconds=int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "sentirec.throttling.client_address"
AXES_USERNAME_CALLABLE = "socialsite.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "socialsite.auth.lockout_response"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "sentirec:home"
LOGOUT_REDIRECT_URL = "sentirec:home"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/min"),
        "user": os.environ.get("API_USER_RATE", "600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "sentirec API",
    "DESCRIPTION": "Reviews, ratings, follows, sentiment and personalized feeds.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
}

# Security. Set SECURE_COOKIES=1 when the site is served over HTTPS.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages hand scripts the token in a <meta> tag instead
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
#: Scripts, styles, images, fonts and requests only from this site; no inline script
#: (the pages have none: scripts are static files, data reaches them through data-
#: attributes and <meta> tags). Inline styles are allowed (the host's colour variables,
#: the bars' widths, the admin tools). The browser tests run under it and fail on a
#: violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

#: sentirec's settings (docs/settings.md); SENTIREC_SETTINGS may override them as JSON.
SENTIREC: dict = json.loads(os.environ.get("SENTIREC_SETTINGS") or "{}")
if os.environ.get("TRUSTED_PROXY_COUNT"):  # proxies in front that append X-Forwarded-For
    SENTIREC["TRUSTED_PROXY_COUNT"] = int(os.environ["TRUSTED_PROXY_COUNT"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "sentirec": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")}
    },
}
