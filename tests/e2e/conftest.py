"""A real headless Chromium (Debian's ``/usr/bin/chromium``) driven by Playwright.

Without the browser, Playwright or the shipped sentiment model these tests skip and say
why; in CI (``SENTIREC_REQUIRE_SERVICES=1``) they fail instead. Screenshots go to
``test-artifacts/e2e/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CI must provide it; see .ci/run)")
    pytest.skip(reason)


#: Console messages of the current test's pages that report a Content-Security-Policy
#: violation (Chromium logs each one as an error naming the policy).
CSP_VIOLATIONS: list[str] = []


def _record_csp_violation(message) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.location.get('url', '?')}: {message.text}")


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[None]:
    """Every page of a browser test runs under the site's CSP; a violation (a blocked
    inline script, style sheet, request or frame) fails the test."""
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations:\n" + "\n".join(CSP_VIOLATIONS)


def _watching_csp(launched):
    """``launched`` whose new contexts report their pages' console to the CSP watch."""
    new_context = launched.new_context

    def watched(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("console", _record_csp_violation)
        return context

    launched.new_context = watched
    return launched


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Open for one test module only: Playwright's event loop must not outlive it."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed: pip install -e '.[dev]'")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still plain synchronous code, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield _watching_csp(launched)
            launched.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def sentiment_model() -> None:
    """The scenario scores reviews for real, with the model shipped in the package."""
    from sentirec.sentiment.bundle import default_bundle_path

    if not default_bundle_path().exists():
        missing(f"the shipped sentiment model {default_bundle_path()} is not there yet")
