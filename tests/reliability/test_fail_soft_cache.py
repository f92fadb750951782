"""The demo host's cache (django-redis, ``IGNORE_EXCEPTIONS``) with nothing listening where
its Redis should be: every call answers at once as a miss or a dropped write, logged,
instead of raising into the request that made it."""

from __future__ import annotations

import socket
import time

import pytest
from django.core.cache import caches

from socialsite.settings import redis_cache


@pytest.fixture
def unreachable(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {**settings.CACHES, "down": redis_cache(f"redis://127.0.0.1:{port}/0")}
    return caches["down"]


def test_reads_miss_and_writes_are_dropped(unreachable, caplog):
    started = time.monotonic()
    assert unreachable.get("k", "fallback") == "fallback"
    assert unreachable.get_many(["a", "b"]) == {}
    assert not unreachable.has_key("k")
    assert not unreachable.add("lock", 1, 60)  # nothing stored: the caller's work is skipped
    unreachable.set("k", 1)
    unreachable.set_many({"a": 1, "b": 2})
    assert not unreachable.touch("k")
    unreachable.delete("k")
    unreachable.delete_many(["a", "b"])
    unreachable.clear()
    assert unreachable.incr("count") is None
    assert time.monotonic() - started < 5
    assert "Exception ignored" in caplog.text and "Connection refused" in caplog.text
