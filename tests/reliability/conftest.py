"""Fixtures for the reliability tests: the page tests' review writer (the same fixture)."""

from tests.site.conftest import write_review  # noqa: F401  (shared fixture)
