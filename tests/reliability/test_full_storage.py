"""The model storage fills up: MEDIA_ROOT on a real 256 KiB tmpfs, filled to the last byte.

A retrain then trains, fails to store its bundle, and says so: no registry row, no
half-written file, the active model and the lock as they were. Freeing space is enough
for the next retrain to succeed.
"""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from sentirec.models import SentimentModel
from sentirec.sentiment.bundle import load_bundle
from sentirec.services import training
from sentirec.services.registry import RegistryError
from tests.conftest import REQUIRE_SERVICES, toy_corpus
from tests.workers.test_retrain import write_csv

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def media_root(settings, tmp_path):
    """MEDIA_ROOT (so the model storage) on a tmpfs of its own; mounting needs root."""
    path = tmp_path / "media"
    path.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(path)]
    result = subprocess.run(mount, capture_output=True, text=True)
    if result.returncode:
        message = f"cannot mount a tmpfs here (root only): {result.stderr.strip()}"
        pytest.fail(message) if REQUIRE_SERVICES else pytest.skip(message)
    settings.MEDIA_ROOT = path
    yield path
    subprocess.run(["umount", str(path)], check=True)


def fill(path: Path) -> Path:
    """Write zeros until the file system is full."""
    filler = path / "filler"
    with filler.open("wb", buffering=0) as handle, pytest.raises(OSError) as full:
        while True:
            handle.write(bytes(4096))
    assert full.value.errno == errno.ENOSPC
    return filler


def files(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


@pytest.fixture
def retrain_settings(settings, tmp_path):
    settings.SENTIREC = {
        "RETRAIN_BASE_DATA": [write_csv(tmp_path / "base.csv", *toy_corpus(400, seed=5))],
        "RETRAIN_VALIDATION_DATA": [write_csv(tmp_path / "val.csv", *toy_corpus(100, seed=9))],
        "RETRAIN_ARCH": "mlp",
        "RETRAIN_OPTIONS": {"embeddings": None, "epochs": 3, "lr": 1e-2, "patience": 3},
    }


def test_a_full_model_storage_fails_the_retrain_cleanly(toy_model, media_root, retrain_settings):
    registered = list(SentimentModel.objects.all())
    filler = fill(media_root)
    before = files(media_root)
    with pytest.raises(RegistryError, match="No space left on device") as failure:
        training.retrain()
    assert "Nothing was registered; the active model is unchanged" in str(failure.value)
    assert list(SentimentModel.objects.all()) == registered
    assert SentimentModel.objects.get(is_active=True) == toy_model
    assert files(media_root) == before, "a half-written bundle was left behind"
    assert cache.get(training.LOCK_KEY) is None
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("sentirec_train", verbosity=0)  # the admin's command says why too

    filler.unlink()
    report = training.retrain()
    with report.model.file.open("rb") as handle:
        assert load_bundle(handle).version == report.model.version
    for model in SentimentModel.objects.exclude(training_data__has_key="shipped"):
        assert model.file.storage.exists(model.file.name), model
