"""The demo host's own system checks: what would make serving it unsafe."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from socialsite.settings import DEMO_SECRET_KEY


def demo_key_problem() -> str | None:
    """Why the site must not serve, or None: DEBUG off with the published demo key."""
    if settings.DEBUG or settings.SECRET_KEY != DEMO_SECRET_KEY:
        return None
    return (
        "DEBUG is off but SECRET_KEY is the public demo key: anyone can forge sessions and "
        "password-reset links. Set SECRET_KEY to a long random value (or DEBUG=1 for the demo)."
    )


@checks.register(checks.Tags.security)
def check_demo_secret_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problem = demo_key_problem()
    return [checks.Error(problem, id="socialsite.E001")] if problem else []


@checks.register(checks.Tags.security)
def check_production_cache_is_shared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The production settings serve from several processes: rate limits and lockouts
    counted per process would each allow the full rate (sentirec only warns, W031, since a
    host served by one process is fine); the demo's production settings refuse."""
    from sentirec.checks import PER_PROCESS_CACHES
    from sentirec.conf import settings as sentirec_settings

    if not getattr(settings, "SOCIALSITE_PRODUCTION", False):
        return []
    alias = sentirec_settings.THROTTLE_CACHE
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Error(
            f"CACHES[{alias!r}] is {backend.rsplit('.', 1)[-1]}, which each web process keeps "
            "to itself: rate limits and login lockouts would be counted per process.",
            hint="Set REDIS_CACHE_URL (a Redis all web processes share).",
            id="socialsite.E002",
        )
    ]


def refuse_to_serve_unsafely() -> None:
    """For the WSGI entry point, which runs no system checks: stop before serving."""
    problem = demo_key_problem()
    if problem:
        raise ImproperlyConfigured(problem)
