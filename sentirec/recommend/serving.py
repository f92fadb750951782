"""The learned preference model as the feed sees it: stored factors, loaded once.

Which model is active is kept in the cache (a marker that expires after
``ACTIVE_SECONDS`` and is then re-read from the registry), so a feed request finds it
without SQL; the factors are read from the model storage once per process and kept
until another version is activated. Serving only multiplies stored factors with
``SocialMF.predict``/``recommend``: training happens in ``services.recommender``.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache

from sentirec.models import PreferenceModel, model_storage
from sentirec.recommend.scoring import stars_to_unit
from sentirec.recommend.social_mf import SocialMF

logger = logging.getLogger(__name__)

ACTIVE_KEY = "sentirec:preference-model:active"
#: How long a process trusts the cached marker before asking the registry again (a
#: cache shared by all processes is updated at once on activation; this bounds the rest).
ACTIVE_SECONDS = 60
#: Marker value meaning "no model is active" (cached too, so it costs no query).
NONE = ""
#: Seconds before a process retries a model file that failed to load.
RETRY_FAILED_AFTER = 300.0


def to_bytes(model: SocialMF) -> bytes:
    """A ``.npz`` of the model's state: arrays as arrays, the rest as one JSON string."""
    state = model.to_state()
    meta = {key: state.pop(key) for key in ("config", "rating_range", "global_mean")}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, meta=np.array(json.dumps(meta)), **state)
    return buffer.getvalue()


def from_bytes(data: bytes) -> SocialMF:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        state = {name: arrays[name] for name in arrays.files if name != "meta"}
        state.update(json.loads(str(arrays["meta"][()])))
    return SocialMF.from_state(state)


#: Items the model may propose per request: the best for anyone (global mean plus item
#: bias), re-ranked for the viewer. Bounds serving cost whatever the catalogue's size.
SHORTLIST = 2000
#: A user id no model knows: ``SocialMF.scores`` gives it the item biases alone.
ANYONE = -1


def shortlist(model: SocialMF, size: int = SHORTLIST) -> np.ndarray:
    """Ids of the ``size`` items the model rates highest for anyone, best first."""
    overall = model.scores(np.array([ANYONE]))[0]
    size = min(size, overall.size)
    best = np.argpartition(-overall, size - 1)[:size] if size else np.zeros(0, np.int64)
    return model.item_ids[best[np.argsort(-overall[best], kind="stable")]]


@dataclass(frozen=True)
class Served:
    """A loaded model, its registry version and its shortlist of items to propose."""

    version: str
    model: SocialMF
    candidates: np.ndarray

    def knows(self, user_id: int) -> bool:
        """Whether the user was in the training data (others get no ``model`` component
        until the next retrain)."""
        ids = self.model.user_ids
        position = np.searchsorted(ids, user_id)
        return bool(position < ids.size and ids[position] == user_id)

    def to_unit(self, predictions: np.ndarray) -> np.ndarray:
        """Predictions mapped to [-1, 1]: stars by the training range, ranking scores
        (no range) clipped to [0, 1] first."""
        if self.model.rating_range is None:
            return 2.0 * np.clip(predictions, 0.0, 1.0) - 1.0
        return np.atleast_1d(stars_to_unit(predictions, *self.model.rating_range))

    def unit_scores(self, user_id: int, item_ids: list[int]) -> dict[int, float]:
        if not item_ids:
            return {}
        predicted = self.model.predict(np.full(len(item_ids), user_id), np.asarray(item_ids))
        return dict(zip(item_ids, self.to_unit(predicted).tolist(), strict=True))

    def top_items(self, user_id: int, k: int) -> list[int]:
        """The shortlist's ``k`` best items for the user (ties keep the shortlist order)."""
        ids = self.candidates
        predicted = self.model.predict(np.full(ids.size, user_id), ids)
        return ids[np.argsort(-predicted, kind="stable")[:k]].tolist()


def publish(model: PreferenceModel | None) -> str:
    """Tell every process (through the cache) which model is active now."""
    marker = NONE if model is None else f"{model.version}\n{model.file.name}"
    cache.set(ACTIVE_KEY, marker, ACTIVE_SECONDS)
    return marker


def _marker() -> str:
    marker = cache.get(ACTIVE_KEY)
    if marker is None:
        marker = publish(PreferenceModel.objects.filter(is_active=True).first())
    return marker


_lock = threading.Lock()
_loaded: Served | None = None
_failed: dict[str, float] = {}


def active() -> Served | None:
    """The active model, loaded from storage on first use of its version in this process.

    A file that cannot be read is logged and retried after ``RETRY_FAILED_AFTER``
    seconds; meanwhile feeds are served without the ``model`` component.
    """
    global _loaded
    marker = _marker()
    if not marker:
        return None
    version, name = marker.split("\n", 1)
    with _lock:
        if _loaded is not None and _loaded.version == version:
            return _loaded
        if time.monotonic() - _failed.get(version, -RETRY_FAILED_AFTER) < RETRY_FAILED_AFTER:
            return None
        try:
            with model_storage().open(name, "rb") as handle:
                model = from_bytes(handle.read())
            _loaded = Served(version, model, shortlist(model))
        except (OSError, ValueError, KeyError) as exc:
            _failed[version] = time.monotonic()
            logger.error("Preference model %s: cannot load %r: %s", version, name, exc)
            return None
        _failed.pop(version, None)
        return _loaded
