"""A blog app with its own REST API, the host of ``tests/hosts/test_blogapi.py``."""
