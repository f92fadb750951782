"""The demo host's cache with nothing listening where its Redis should be: every call
answers at once as a miss (or a dropped write) instead of raising."""

from __future__ import annotations

import socket
import time

import pytest

from socialsite.cache import FailSoftRedisCache


@pytest.fixture
def unreachable() -> FailSoftRedisCache:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    return FailSoftRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": options})


def test_reads_miss_and_writes_are_dropped(unreachable, caplog):
    started = time.monotonic()
    assert unreachable.get("k", "fallback") == "fallback"
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.has_key("k") is False
    assert unreachable.add("lock", 1, 60) is True  # locks and debounces fail open
    unreachable.set("k", 1)
    unreachable.set_many({"a": 1, "b": 2})
    assert unreachable.touch("k") is False
    assert unreachable.delete("k") is False
    unreachable.delete_many(["a", "b"])
    assert unreachable.clear() is False
    with pytest.raises(ValueError):  # as for a missing key: callers already handle it
        unreachable.incr("count")
    assert time.monotonic() - started < 5
    assert "Cache unreachable, get skipped" in caplog.text
