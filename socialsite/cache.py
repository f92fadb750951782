"""django-redis's default client, with the one call its ``IGNORE_EXCEPTIONS`` misses.

django-redis 7.0 turns a connection error into ``ConnectionInterrupted`` (which
``IGNORE_EXCEPTIONS`` then turns into a miss) in every call but ``touch``, where the raw
``redis.ConnectionError`` escapes. django-axes touches its failure counter on every failed
login, so while Redis is down a wrong password would be a 500. Remove this class when
django-redis wraps ``touch`` too (tests/reliability/test_fail_soft_cache.py shows it).
"""

from __future__ import annotations

from django_redis.client import DefaultClient
from django_redis.client.default import _main_exceptions
from django_redis.exceptions import ConnectionInterrupted


class Client(DefaultClient):
    def touch(self, key, *args, client=None, **kwargs) -> bool:
        try:
            return super().touch(key, *args, client=client, **kwargs)
        except _main_exceptions as exc:
            raise ConnectionInterrupted(connection=client) from exc
