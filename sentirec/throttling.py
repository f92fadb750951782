"""One rate-limit policy for every door: page forms and the API count writes in the same
window, per user (per client address when anonymous); logins are counted per client
address and per username for the host's login views.

The counts live in the cache ``SENTIREC["THROTTLE_CACHE"]`` names (``"default"``): it must
be shared by every web process (Redis, Memcached, the database cache), or each process
counts alone and N processes allow N times the rate; the system checks warn of a
per-process cache with DEBUG off (``sentirec.W031``). The algorithm is DRF's
``SimpleRateThrottle`` (a sliding window of timestamps), used by pages too.

The client address is ``REMOTE_ADDR``, or behind ``SENTIREC["TRUSTED_PROXY_COUNT"]``
proxies the address the outermost of them saw (``X-Forwarded-For``, counted from the
right, so entries a client forged on the left are never read).
"""

from __future__ import annotations

import hashlib

from django.core.cache import caches
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from sentirec.conf import settings


def client_address(request: HttpRequest) -> str:
    """The client's address, as the configured number of trusted proxies passed it on."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    # Each trusted proxy appended the address it saw; fewer hops than proxies means the
    # request did not come through them all, and only REMOTE_ADDR can be trusted.
    return hops[-count] if len(hops) >= count else remote


class RateLimit(SimpleRateThrottle):
    """DRF's throttle with its rate in ``SENTIREC[setting]`` and its counts in the shared
    throttle cache; for a page view ``view`` may be None."""

    setting: str = ""

    @property
    def cache(self):
        return caches[settings.THROTTLE_CACHE]

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting) or None

    def identity(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"address:{client_address(request)}"

    def get_cache_key(self, request: HttpRequest, view) -> str | None:
        ident = self.identity(request)
        if ident is None:
            return None
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()
        return f"sentirec:throttle:{self.scope}:{digest}"


class WriteLimit(RateLimit):
    """Creating, editing and deleting reviews, ratings and follows; signing up."""

    scope, setting = "write", "WRITE_RATE"


class PredictLimit(RateLimit):
    """Asking the sentiment model: each request is real work for a worker."""

    scope, setting = "predict", "PREDICT_RATE"


class LoginByAddress(RateLimit):
    """Login attempts from one client address, whatever the usernames (password spraying)."""

    scope, setting = "login-address", "LOGIN_RATE_PER_ADDRESS"

    def identity(self, request: HttpRequest) -> str:
        return client_address(request)


class LoginByUsername(RateLimit):
    """Login attempts at one username from anywhere: a bound on a distributed guess, high
    enough that a stranger cannot lock its owner out for long."""

    scope, setting = "login-username", "LOGIN_RATE_PER_USERNAME"

    def __init__(self, username: str) -> None:
        self.username = username.casefold()
        super().__init__()

    def identity(self, request: HttpRequest) -> str:
        return self.username


def login_allowed(request: HttpRequest, username: object) -> float | None:
    """None when this login attempt is within both login limits (and counted), else the
    seconds to wait."""
    limits = [LoginByAddress()]
    if isinstance(username, str):
        limits.append(LoginByUsername(username))
    for limit in limits:
        if not limit.allow_request(request, None):
            return limit.wait() or 1.0
    return None
