"""The browser tests skip on a laptop without Chromium, and fail in CI instead."""

from __future__ import annotations

import pytest

from tests.e2e import conftest as e2e


def test_missing_browser_skips_with_the_reason(monkeypatch):
    monkeypatch.setattr(e2e, "REQUIRE_SERVICES", False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        e2e.missing("/usr/bin/chromium not found: apt-get install chromium")


def test_missing_browser_fails_in_ci(monkeypatch):
    monkeypatch.setattr(e2e, "REQUIRE_SERVICES", True)
    with pytest.raises(pytest.fail.Exception, match="CI must provide it"):
        e2e.missing("/usr/bin/chromium not found: apt-get install chromium")
