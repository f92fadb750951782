"""The one place sentirec reads its configuration from.

Host sites write ``SENTIREC = {...}`` in their settings; every key is optional and
falls back to the documented default in :data:`DEFAULTS` (see ``docs/settings.md``).
Values are read lazily and re-read when tests override settings, the way DRF's
``api_settings`` works.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.signals import setting_changed

from sentirec.recommend.scoring import BlendWeights  # pure (numpy): the blend's defaults

#: The item model's setting, swappable like ``AUTH_USER_MODEL``.
ITEM_MODEL_SETTING = "SENTIREC_ITEM_MODEL"
DEFAULT_ITEM_MODEL = "sentirec.Item"

DEFAULTS: dict[str, Any] = {
    # The item model
    "ITEM_DATE_FIELD": None,
    "ITEM_TEXT_FIELD": None,
    "ITEM_FIELDS": None,
    "ITEM_VISIBILITY": None,
    # Pages
    "LOGOUT_URL": None,
    # Reviews
    "MAX_REVIEW_CHARS": 10_000,
    # Celery routing
    "GPU_QUEUE": "sentirec.gpu",
    "DEFAULT_QUEUE": "sentirec.default",
    "ENQUEUE_TIMEOUT_SECONDS": 1.0,
    # Scoring
    "SCORING_BATCH_SIZE": 256,
    "SCORING_COALESCE_SECONDS": 0.05,
    "HIGHLIGHT_WORDS": 5,
    "SWEEP_GRACE_SECONDS": 120,
    "SWEEP_INTERVAL_SECONDS": 60,
    "SCORING_MAX_ATTEMPTS": 5,
    "SCORING_BACKOFF_SECONDS": 60,
    # Model registry and retraining
    "MODEL_STORAGE": "default",
    "MODEL_DIRECTORY": "sentirec/models",
    "RETRAIN_BASE_DATA": [],
    "RETRAIN_ARCH": "cnn",
    # The shipped recipe's CNN settings: four epochs at 1e-3 (a few minutes on the demo).
    "RETRAIN_OPTIONS": {"lr": 0.001, "epochs": 4, "patience": 2, "min_freq": 2},
    "RETRAIN_VALIDATION_DATA": [],
    "RETRAIN_INTERVAL_HOURS": 24,
    "PROMOTION_MIN_ACCURACY_GAIN": 0.0,
    "RESCORE_BATCH_SIZE": 1000,
    # Feed
    "FEED_PAGE_SIZE": 20,
    "FEED_CACHE_SECONDS": 300,
    "FEED_MAX_PER_FOLLOWEE": BlendWeights().max_per_followee,
    "FEED_CANDIDATE_LIMIT": 500,
    "FEED_WEIGHTS": BlendWeights().components(),
    "QUALITY_PRIOR_STRENGTH": 5.0,
    "FEED_SECOND_HOP": False,
    "FEED_SUGGESTIONS": 5,
    # Learned preference model (SocialFactorModel)
    "RECOMMENDER_OPTIONS": {},
    "RECOMMENDER_INTERVAL_HOURS": 24,
    # Prediction endpoint
    "PREDICT_MAX_CHARS": 5_000,
    # Rate limits (sentirec/throttling.py), counted in a cache every web process shares
    "THROTTLE_CACHE": "default",
    "WRITE_RATE": "60/min",
    "PREDICT_RATE": "20/min",
    "LOGIN_RATE_PER_ADDRESS": "60/hour",
    "LOGIN_RATE_PER_USERNAME": "50/hour",
    "TRUSTED_PROXY_COUNT": 0,
}


class SentirecSettings:
    """Attribute access to ``settings.SENTIREC`` merged over :data:`DEFAULTS`."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(django_settings, "SENTIREC", None) or {}
        return value if isinstance(value, dict) else {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in DEFAULTS:
            raise AttributeError(f"Unknown sentirec setting: {name!r}")
        if name not in self._cache:
            self._cache[name] = self.user_settings.get(name, DEFAULTS[name])
        return self._cache[name]

    def reload(self) -> None:
        self._cache.clear()


settings = SentirecSettings()


def item_model():
    """The installed item model class (``SENTIREC_ITEM_MODEL``), resolved when called."""
    from django.apps import apps

    return apps.get_model(item_model_label())


def item_model_label() -> str:
    """The ``app_label.ModelName`` of the item model, defaulting to ``sentirec.Item``."""
    return getattr(django_settings, ITEM_MODEL_SETTING, DEFAULT_ITEM_MODEL)


def _reload(*, setting: str, **_: Any) -> None:
    if setting == "SENTIREC":
        settings.reload()


setting_changed.connect(_reload)
