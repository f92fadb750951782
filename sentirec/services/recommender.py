"""Train the preference model on the site's own data and make the feed serve it.

``train_recommender`` is the one way to do it: the Celery task, its beat schedule and
the admin all call it. It reads every rating, scored review and follow once (a worker's
job, never a request's), fits ``SocialFactorModel`` on the opinion blend of stars and review
sentiment with the follow graph as trust, stores the factors through the model storage
and registers them as a ``PreferenceModel``, active by default.

The host's primary keys (integers, UUIDs, strings) never reach numpy: users and items
are numbered 0..n-1 here, and the stored model carries each number's key so serving
translates back.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from sentirec import events
from sentirec.conf import settings
from sentirec.models import Follow, PreferenceModel, Rating, Review, SentimentStatus
from sentirec.recommend import model_file
from sentirec.recommend.social_mf import SocialFactorConfig, SocialFactorModel

LOCK_KEY = "sentirec:train-recommender-lock"
#: A crashed training's lock expires after this many seconds.
LOCK_SECONDS = 6 * 3600
#: Rows read from the database per round trip.
CHUNK = 20_000


class RecommenderError(RuntimeError):
    """Training cannot start (another one runs, or there is nothing to learn from)."""


@dataclass
class TrainingData:
    """Aligned per-opinion arrays (NaN where a row has no stars or no scored review) and
    the follow graph as (follower, followee) trust edges. Users and items are dense
    indices: ``user_keys[u]`` and ``item_keys[i]`` are their primary keys."""

    users: np.ndarray
    items: np.ndarray
    stars: np.ndarray
    sentiment: np.ndarray
    confidence: np.ndarray
    trust: np.ndarray
    reviews: int
    user_keys: list
    item_keys: list


def training_data() -> TrainingData:
    """Every opinion on the site: ratings, joined with their scored reviews, plus scored
    reviews written without stars. Keys are numbered in sorted order, so integer keys
    train exactly as they would by themselves."""
    nan = float("nan")
    rows: dict[tuple, list[float]] = {}
    ratings = Rating.objects.order_by().values_list("user_id", "item_id", "stars")
    for user, item, stars in ratings.iterator(chunk_size=CHUNK):
        rows[(user, item)] = [float(stars), nan, nan]
    scored = (
        Review.objects.filter(sentiment_status=SentimentStatus.SCORED)
        .order_by()
        .values_list("user_id", "item_id", "sentiment_score", "sentiment_confidence")
    )
    reviews = 0
    for user, item, score, confidence in scored.iterator(chunk_size=CHUNK):
        row = rows.setdefault((user, item), [nan, nan, nan])
        row[1], row[2] = score, nan if confidence is None else confidence
        reviews += 1
    follows = Follow.objects.order_by().values_list("follower_id", "followee_id")
    edges = list(follows.iterator(chunk_size=CHUNK))
    user_keys = sorted({user for user, _ in rows}.union(*edges))
    item_keys = sorted({item for _, item in rows})
    pairs = _numbered(rows, user_keys, item_keys)
    values = np.array(list(rows.values()), dtype=float).reshape(-1, 3)
    trust = _numbered(edges, user_keys, user_keys)
    return TrainingData(
        pairs[:, 0],
        pairs[:, 1],
        values[:, 0],
        values[:, 1],
        values[:, 2],
        trust,
        reviews,
        user_keys=user_keys,
        item_keys=item_keys,
    )


def _numbered(pairs: Iterable[tuple], first_keys: list, second_keys: list) -> np.ndarray:
    """(N, 2) dense indices of key pairs, by their positions in the sorted key lists."""
    first = {key: n for n, key in enumerate(first_keys)}
    second = {key: n for n, key in enumerate(second_keys)}
    numbered = [(first[a], second[b]) for a, b in pairs]
    return np.array(numbered, dtype=np.int64).reshape(-1, 2)


def activate(model: PreferenceModel) -> None:
    """Make ``model`` the one the feed serves (every process sees it within a minute,
    at once where the cache is shared)."""
    with transaction.atomic():
        model.make_active()
        transaction.on_commit(
            lambda: events.preference_model_activated.send(sender=PreferenceModel, model=model)
        )


def train_recommender(
    *, options: dict | None = None, make_active: bool = True, progress: bool = False
) -> PreferenceModel:
    """Fit, store and register a preference model (``RECOMMENDER_OPTIONS`` overridden by
    ``options``); one at a time, guarded by a lock in the cache."""
    if not cache.add(LOCK_KEY, time.time(), LOCK_SECONDS):
        raise RecommenderError("A preference model is already being trained.")
    try:
        return _train({**settings.RECOMMENDER_OPTIONS, **(options or {})}, make_active, progress)
    finally:
        cache.delete(LOCK_KEY)


def _train(options: dict, make_active: bool, progress: bool) -> PreferenceModel:
    # scipy.sparse, which metrics imports, stays out of the web processes that import
    # this module for activate() (the admin).
    from sentirec.recommend.metrics import rmse

    data = training_data()
    if not data.users.size:
        raise RecommenderError("Nothing to learn from yet: no ratings and no scored reviews.")
    config = SocialFactorConfig(**options)
    started = time.monotonic()
    model = SocialFactorModel(config).fit(
        data.users,
        data.items,
        data.stars,
        trust=data.trust,
        sentiment=data.sentiment,
        confidence=data.confidence,
        progress=progress,
    )
    seconds = time.monotonic() - started
    rated = ~np.isnan(data.stars)
    fitted = model.predict(data.users[rated], data.items[rated])
    payload = model_file.to_bytes(model, data.user_keys, data.item_keys)
    digest = hashlib.sha256(payload).hexdigest()[:8]
    version = f"socialmf-{timezone.now():%Y%m%d-%H%M%S}-{digest}"
    if PreferenceModel.objects.filter(version=version).exists():
        version += f"-{secrets.token_hex(3)}"  # the same data trained twice in one second
    registered = PreferenceModel(
        version=version,
        config=asdict(config),
        metrics={
            "fit_rmse_stars": rmse(fitted, data.stars[rated]) if rated.any() else None,
            "train_seconds": round(seconds, 2),
        },
        training_data={
            "opinions": int(data.users.size),
            "scored_reviews": data.reviews,
            "follows": len(data.trust),
            "users": int(model.user_ids.size),
            "items": int(model.item_ids.size),
        },
    )
    name = f"{settings.MODEL_DIRECTORY.rstrip('/')}/preference/{version}.npz"
    registered.file.save(name, ContentFile(payload), save=False)
    registered.save()
    if make_active:
        activate(registered)
    return registered
