"""Fixtures for the reliability tests: clients for each role, and the page tests' review
writer (the same fixture, not a copy)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.site.conftest import write_review  # noqa: F401  (shared fixture)


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF, as a browser-facing deployment does."""
    return Client(enforce_csrf_checks=True)
