"""sentirec's test suite, by concern (see ``tests/conftest.py`` for the shared fixtures)."""
