"""Shared fixtures. Tests run on whatever ``DATABASE_URL``/``REDIS_URL`` point at:
CI points them at the real PostgreSQL and Redis (see ``scripts/test.sh``)."""

from __future__ import annotations

import os
from pathlib import Path

import hypothesis
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from sentirec.models import Item

#: Set by CI: tests that need PostgreSQL/Redis/a worker must fail, never skip, there.
REQUIRE_SERVICES = os.environ.get("SENTIREC_REQUIRE_SERVICES") == "1"

# CI (``HYPOTHESIS_PROFILE=ci``, set by .ci/run) draws the same examples on every run of
# a commit, so a submission is judged on its own changes, not on a new random draw;
# elsewhere every run explores new inputs (schemathesis and the property tests).
hypothesis.settings.register_profile("ci", derandomize=True)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def has_redis() -> bool:
    return bool(settings.REDIS_URL)


def pytest_report_header(config) -> list[str]:
    db = settings.DATABASES["default"]
    return [
        f"sentirec: database {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or db['NAME']}, "
        f"redis {settings.REDIS_URL or 'none (local-memory cache)'}"
    ]


def pytest_collection_modifyitems(config, items) -> None:
    """Without PostgreSQL and Redis, tests marked ``services`` skip, saying why; in CI
    (``SENTIREC_REQUIRE_SERVICES=1``) they run and fail loudly instead."""
    if REQUIRE_SERVICES or (on_postgres() and has_redis()):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Run tasks in-process unless a test starts a real worker (``celery_worker``)."""
    from socialsite.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 1_000_000))

    def make(username: str | None = None, **extra):
        name = username or f"user{next(counter)}"
        return get_user_model().objects.create_user(name, password="a-long-pass-phrase-1", **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user("alice")


@pytest.fixture
def other_user(make_user):
    return make_user("bob")


@pytest.fixture
def staff(make_user):
    return make_user("staff", is_staff=True, is_superuser=True)


@pytest.fixture
def make_item(db):
    def make(title: str = "A thing", **extra):
        return Item.objects.create(title=title, **extra)

    return make


@pytest.fixture
def item(make_item):
    return make_item("The Long Battery Phone", category="electronics")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


SHARED_DATA = Path(
    os.environ.get("SENTIREC_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data")
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (the public datasets); CI always has it, a laptop may not."""
    if not SHARED_DATA.is_dir():
        if REQUIRE_SERVICES:
            pytest.fail(f"{SHARED_DATA} is missing; CI must provide ../shared/data")
        pytest.skip(f"{SHARED_DATA} not found (set SENTIREC_SHARED_DATA)")
    return SHARED_DATA


POSITIVE_WORDS = ["great", "wonderful", "love", "excellent", "perfect", "amazing", "best"]
NEGATIVE_WORDS = ["terrible", "awful", "hate", "broken", "worst", "poor", "useless"]
NOUNS = ["phone", "battery", "book", "film", "kettle", "screen", "story", "plot"]


def toy_corpus(n: int = 400, seed: int = 0) -> tuple[list[str], list[int]]:
    """Short synthetic reviews whose sentiment words decide the label."""
    import random

    rng = random.Random(seed)
    texts, labels = [], []
    for k in range(n):
        label = k % 2
        words = POSITIVE_WORDS if label else NEGATIVE_WORDS
        texts.append(f"the {rng.choice(NOUNS)} is {rng.choice(words)} and {rng.choice(words)} {k}")
        labels.append(label)
    return texts, labels


@pytest.fixture(scope="session")
def toy_bundle_bytes() -> bytes:
    """A tiny model trained in a second: enough to score reviews in tests."""
    from sentirec.sentiment.training import TrainConfig, train

    texts, labels = toy_corpus()
    config = TrainConfig(arch="mlp", embeddings=None, epochs=8, lr=1e-2, seed=1, patience=8)
    result = train(texts, labels, config, progress=False)
    return result.bundle.to_bytes()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def serving(bundle, metrics: dict | None = None, training_data: dict | None = None):
    """Register ``bundle`` and make it the active model, as a retrain would leave it; a
    fixture yields from this (the engine reloads it now and forgets it afterwards)."""
    from sentirec import engine
    from sentirec.services import registry

    model = registry.register(bundle, metrics or {}, training_data or {})
    registry.activate(model)
    engine.reset()
    yield model
    engine.reset()


@pytest.fixture
def toy_model(db, media_root, toy_bundle_bytes):
    """The toy bundle registered and active, as a retrain would leave it."""
    from sentirec.sentiment.bundle import load_bundle

    yield from serving(load_bundle(toy_bundle_bytes), {"accuracy": 1.0}, {"toy": True})
