"""The learned preference model as the feed sees it: stored factors, loaded once.

Which model is active is kept in the cache (a marker that expires after
``ACTIVE_SECONDS`` and is then re-read from the registry), so a feed request finds it
without SQL; the factors are read from the model storage once per process and kept
until another version is activated. Serving only multiplies stored factors with
``SocialFactorModel.predict``/``recommend``: training happens in ``services.recommender``.

The model knows users and items by dense indices; the file stores, aligned with them,
the primary keys they stand for (as text, read back by the key fields), so the feed
asks and is answered in the host's own keys, whatever their type.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db.models import Field
from django.dispatch import receiver

from sentirec.events import preference_model_activated
from sentirec.models import PreferenceModel, Rating, model_storage
from sentirec.recommend import model_file
from sentirec.recommend.scoring import stars_to_unit
from sentirec.recommend.social_mf import SocialFactorModel

logger = logging.getLogger(__name__)

ACTIVE_KEY = "sentirec:preference-model:active"
#: How long a process trusts the cached marker before asking the registry again (a
#: cache shared by all processes is updated at once on activation; this bounds the rest).
ACTIVE_SECONDS = 60
#: Marker value meaning "no model is active" (cached too, so it costs no query).
NONE = ""
#: Seconds before a process retries a model file that failed to load.
RETRY_FAILED_AFTER = 300.0


@dataclass(frozen=True)
class Stored:
    """A stored model and the primary keys of its users and items, aligned with
    ``model.user_ids`` and ``model.item_ids``."""

    model: SocialFactorModel
    user_keys: list
    item_keys: list


def from_bytes(data: bytes) -> Stored:
    """A stored model (``sentirec.recommend.model_file``) with its keys read back by the
    key fields (a UUID, a slug, an integer)."""
    model, user_keys, item_keys = model_file.from_bytes(data)
    return Stored(
        model,
        [_key_field("user").to_python(k) for k in user_keys],
        [_key_field("item").to_python(k) for k in item_keys],
    )


def _key_field(name: str) -> Field:
    """The field a rating's ``user`` or ``item`` points at (the primary key by default)."""
    return Rating._meta.get_field(name).target_field


#: Items the model may propose per request: the best for anyone (global mean plus item
#: bias), re-ranked for the viewer. Bounds serving cost whatever the catalogue's size.
SHORTLIST = 2000
#: An index no model knows (they count from 0): ``SocialFactorModel.scores`` gives such a user
#: the item biases alone, ``SocialFactorModel.predict`` such an item its fallback.
ANYONE = -1


def shortlist(model: SocialFactorModel, size: int = SHORTLIST) -> np.ndarray:
    """Indices of the ``size`` items the model rates highest for anyone, best first."""
    overall = model.scores(np.array([ANYONE]))[0]
    size = min(size, overall.size)
    best = np.argpartition(-overall, size - 1)[:size] if size else np.zeros(0, np.int64)
    return model.item_ids[best[np.argsort(-overall[best], kind="stable")]]


@dataclass
class Served:
    """A loaded model, its registry version and its shortlist of items to propose;
    asked and answering in primary keys."""

    version: str
    stored: Stored
    candidates: np.ndarray = field(init=False)
    users: dict = field(init=False)
    items: dict = field(init=False)

    def __post_init__(self) -> None:
        model = self.stored.model
        self.candidates = shortlist(model)
        self.users = dict(zip(self.stored.user_keys, model.user_ids.tolist(), strict=True))
        self.items = dict(zip(self.stored.item_keys, model.item_ids.tolist(), strict=True))

    @property
    def model(self) -> SocialFactorModel:
        return self.stored.model

    def knows(self, user_id) -> bool:
        """Whether the user was in the training data (others get no ``model`` component
        until the next retrain)."""
        return user_id in self.users

    def to_unit(self, predictions: np.ndarray) -> np.ndarray:
        """Predictions mapped to [-1, 1]: stars by the training range, ranking scores
        (no range) clipped to [0, 1] first."""
        if self.model.rating_range is None:
            return 2.0 * np.clip(predictions, 0.0, 1.0) - 1.0
        return np.atleast_1d(stars_to_unit(predictions, *self.model.rating_range))

    def unit_scores(self, user_id, item_ids: list) -> dict:
        """Each item's prediction for the user in [-1, 1] (an item the model never saw
        gets the fallback of ``SocialFactorModel.predict``)."""
        if not item_ids:
            return {}
        items = np.array([self.items.get(i, ANYONE) for i in item_ids], dtype=np.int64)
        users = np.full(len(item_ids), self.users.get(user_id, ANYONE))
        predicted = self.model.predict(users, items)
        return dict(zip(item_ids, self.to_unit(predicted).tolist(), strict=True))

    def top_items(self, user_id, k: int) -> list:
        """The shortlist's ``k`` best items for the user (ties keep the shortlist order)."""
        ids = self.candidates
        predicted = self.model.predict(np.full(ids.size, self.users.get(user_id, ANYONE)), ids)
        best = np.searchsorted(self.model.item_ids, ids[np.argsort(-predicted, kind="stable")[:k]])
        return [self.stored.item_keys[i] for i in best.tolist()]


def publish(model: PreferenceModel | None) -> str:
    """Tell every process (through the cache) which model is active now."""
    marker = NONE if model is None else f"{model.version}\n{model.file.name}"
    cache.set(ACTIVE_KEY, marker, ACTIVE_SECONDS)
    return marker


@receiver(preference_model_activated, dispatch_uid="sentirec.feeds.serving.publish")
def _published(sender, model: PreferenceModel, **kwargs) -> None:
    publish(model)


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
                _loaded = Served(version, from_bytes(handle.read()))
        except (OSError, ValueError, KeyError) as exc:
            _failed[version] = time.monotonic()
            logger.error("Preference model %s: cannot load %r: %s", version, name, exc)
            return None
        _failed.pop(version, None)
        return _loaded
