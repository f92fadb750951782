from tests.site.conftest import write_review  # noqa: F401  (the same fixture for the API)
