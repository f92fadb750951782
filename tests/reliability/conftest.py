"""Fixtures for the reliability tests, shared with the page and worker tests (imported,
not copied): the review writer, the real-worker starter and the spare Redis server."""

from __future__ import annotations

import json

import pytest

from tests.conftest import toy_corpus
from tests.site.conftest import write_review  # noqa: F401
from tests.workers.conftest import start_worker, worker_env  # noqa: F401
from tests.workers.test_faults import spare_redis  # noqa: F401
from tests.workers.test_retrain import write_csv


@pytest.fixture
def retrain_env(tmp_path):
    """A worker's settings for a retrain on 2,000 toy reviews, ``epochs`` long (15: seconds
    of training on this machine)."""
    base = write_csv(tmp_path / "base.csv", *toy_corpus(2000, seed=5))
    validation = write_csv(tmp_path / "val.csv", *toy_corpus(200, seed=9))

    def env(epochs: int = 15) -> dict[str, str]:
        options = {"embeddings": None, "epochs": epochs, "lr": 1e-2, "patience": epochs}
        sentirec = {
            "RETRAIN_BASE_DATA": [base],
            "RETRAIN_VALIDATION_DATA": [validation],
            "RETRAIN_ARCH": "mlp",
            "RETRAIN_OPTIONS": {**options, "seed": 3},
        }
        return {"SENTIREC_SETTINGS": json.dumps(sentirec)}

    return env
