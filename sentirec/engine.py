"""The sentiment model a process scores with.

Loaded lazily on first use, so a Celery prefork worker loads it (and initialises CUDA)
in each child after the fork, never in the parent. Each call checks which model is
active (one indexed query) and reloads when it changed, so promotion needs no restart.
A bundle that cannot be loaded is reported on its registry row and the process keeps
serving with the last good model (or the shipped default).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from sentirec.models import SentimentModel
from sentirec.sentiment.bundle import BundleError, default_bundle_path, load_bundle
from sentirec.sentiment.predictor import Predictor

logger = logging.getLogger(__name__)

#: Seconds before retrying a bundle that failed to load.
RETRY_FAILED_AFTER = 300.0


@dataclass(frozen=True)
class Engine:
    """A loaded predictor and the registry row it came from (None: the shipped default)."""

    version: str
    predictor: Predictor
    model_id: int | None


_lock = threading.Lock()
_current: Engine | None = None
_failed: dict[str, float] = {}


def active_engine() -> Engine:
    """The engine for the active registry model, loading or reloading it if needed."""
    global _current
    active = SentimentModel.objects.filter(is_active=True).only("id", "version", "file").first()
    with _lock:
        if _current is not None and _current.model_id == (active.pk if active else None):
            return _current
        if active is not None and time.monotonic() - _failed.get(active.version, -1e9) > (
            RETRY_FAILED_AFTER
        ):
            engine = _load_registered(active)
            if engine is not None:
                _current = engine
                return engine
        if _current is None or (active is None and _current.model_id is not None):
            _current = _load_default()
        return _current


def _load_registered(model: SentimentModel) -> Engine | None:
    try:
        with model.file.open("rb") as handle:
            bundle = load_bundle(handle)
    except (BundleError, OSError, ValueError) as exc:
        _failed[model.version] = time.monotonic()
        message = f"Could not load {model.file.name!r}: {exc}"
        logger.error("Sentiment model %s: %s; keeping the last good model.", model.version, message)
        SentimentModel.objects.filter(pk=model.pk).update(load_error=message)
        return None
    _failed.pop(model.version, None)
    SentimentModel.objects.filter(pk=model.pk).exclude(load_error="").update(load_error="")
    logger.info("Loaded sentiment model %s", model.version)
    return Engine(model.version, Predictor(bundle), model.pk)


def _load_default() -> Engine:
    bundle = load_bundle(default_bundle_path())
    logger.info("Loaded the shipped default sentiment model %s", bundle.version)
    return Engine(bundle.version, Predictor(bundle), None)


def reset() -> None:
    """Forget the loaded model (tests, and workers after a settings change)."""
    global _current
    with _lock:
        _current = None
        _failed.clear()
