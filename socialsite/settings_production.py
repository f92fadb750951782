"""Production settings for the demo host: ``socialsite.settings`` served over HTTPS.

``DJANGO_SETTINGS_MODULE=socialsite.settings_production`` with a real ``SECRET_KEY``,
``ALLOWED_HOSTS`` and a shared cache (``REDIS_CACHE_URL``) in the environment passes
``manage.py check --deploy`` with no warning. The site serves its own static files
(WhiteNoise, compressed, with content-hashed names cached for a year): run
``manage.py collectstatic --noinput`` once per deploy, before starting gunicorn.
Cookies are Secure and HttpOnly, plain HTTP is redirected, HSTS is on. Behind a proxy that
terminates TLS, ``SECURE_PROXY_SSL_HEADER`` trusts its ``X-Forwarded-Proto`` (set
``TRUST_X_FORWARDED_PROTO=0`` when nothing in front strips that header from clients).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from socialsite.settings import *  # noqa: F403
from socialsite.settings import MIDDLEWARE, STORAGES, env_bool, env_list

DEBUG = False
#: Served by several processes: a per-process throttle cache is an error (socialsite.E002).
SOCIALSITE_PRODUCTION = True

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value (50+ characters), e.g. the output of "
        "python -c 'from django.core.management.utils import get_random_secret_key as k; "
        "print(k())'."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names, comma-separated.")
#: Origins (scheme://host) trusted for CSRF when they differ from the request's host.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("TRUST_X_FORWARDED_PROTO", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Static files served by the site itself, after collectstatic (WhiteNoise right after
# SecurityMiddleware, as its docs ask).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
