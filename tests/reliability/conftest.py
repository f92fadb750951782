"""Fixtures for the reliability tests, shared with the page and worker tests (imported,
not copied): the review writer, the real-worker starter and the spare Redis server."""

from tests.site.conftest import write_review  # noqa: F401
from tests.workers.conftest import start_worker, worker_env  # noqa: F401
from tests.workers.test_faults import spare_redis  # noqa: F401
