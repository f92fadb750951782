"""Django's Redis cache, degrading instead of failing while Redis is unreachable.

The cache sits in the path of every write: the API's throttles read it before the view
runs, and saving a review bumps feed tokens and schedules a stats refresh through it. With
Django's own backend a Redis outage (the broker's Redis, in the default setup) turns every
posted review into a 500 and the review is lost. Here an unreachable Redis logs a warning
and reads as a miss; writes are dropped; ``add`` reports success, so debounced work and the
retrain lock fail open (work runs, perhaps twice) rather than stop. Throttling and the
login lockout are off until Redis answers again; cached feed pages are recomputed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


def _missing_counter(key, delta):
    raise ValueError(f"Key {key!r} not found (the cache is unreachable).")


def _fails_soft(fallback: Callable) -> Callable:
    """Run the client method; if Redis cannot be reached, log and return ``fallback(*args)``."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def call(self, *args):
            try:
                return method(self, *args)
            except (RedisConnectionError, RedisTimeoutError) as exc:
                logger.warning("Cache unreachable, %s skipped: %s", method.__name__, exc)
                return fallback(*args)

        return call

    return decorate


class FailSoftRedisCacheClient(RedisCacheClient):
    get = _fails_soft(lambda key, default: default)(RedisCacheClient.get)
    get_many = _fails_soft(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _fails_soft(lambda key: False)(RedisCacheClient.has_key)
    add = _fails_soft(lambda key, value, timeout: True)(RedisCacheClient.add)
    set = _fails_soft(lambda key, value, timeout: None)(RedisCacheClient.set)
    set_many = _fails_soft(lambda data, timeout: None)(RedisCacheClient.set_many)
    touch = _fails_soft(lambda key, timeout: False)(RedisCacheClient.touch)
    incr = _fails_soft(_missing_counter)(RedisCacheClient.incr)
    delete = _fails_soft(lambda key: False)(RedisCacheClient.delete)
    delete_many = _fails_soft(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _fails_soft(lambda: False)(RedisCacheClient.clear)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
