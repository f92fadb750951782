"""The pages run under the site's Content-Security-Policy, and the browser tests notice a
violation: an inline script is refused by Chromium and reported to the watch in
tests/e2e/conftest.py, which fails the test it happens in."""

from __future__ import annotations

import pytest

from tests.e2e import conftest
from tests.e2e.conftest import DESKTOP

pytestmark = pytest.mark.e2e


def test_an_inline_script_is_refused_and_reported(browser, live_server):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/about/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === undefined")
    context.close()
    assert any("inline script" in text for text in conftest.CSP_VIOLATIONS)
    conftest.CSP_VIOLATIONS.clear()  # seen and expected here: this test passes
