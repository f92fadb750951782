"""The sentiment model registry: register a trained bundle, activate it, roll back.

Activation flips ``is_active`` inside one transaction (the database allows one active
row), then enqueues a background rescore of every review. Workers notice the new active
model on their next batch and reload it; nobody restarts anything.

The bundle shipped inside the package is registered too (after every ``migrate``, by
:func:`register_shipped`), and is the active row on a new site: the registry always lists
the model the workers serve, and rolling back can always reach it.
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from sentirec.conf import settings
from sentirec.models import Review, SentimentModel, SentimentStatus
from sentirec.queueing import RESCORE_ALL_REVIEWS, enqueue

if TYPE_CHECKING:
    from sentirec.sentiment.bundle import Bundle


class RegistryError(ValueError):
    """A registry operation that cannot be done (say why)."""


def register(
    bundle: Bundle, metrics: dict, training_data: dict, payload: bytes | None = None
) -> SentimentModel:
    """Store the bundle through the model storage and add it to the registry (inactive).

    ``payload``: the bundle's bytes when they exist already (a file read from disk)."""
    existing = SentimentModel.objects.filter(version=bundle.version).first()
    if existing is not None:
        return existing  # the same weights again: nothing new to store
    payload = bundle.to_bytes() if payload is None else payload
    digest = hashlib.sha256(payload).hexdigest()[:8]
    model = SentimentModel(
        version=bundle.version,
        architecture=bundle.arch,
        metrics=metrics,
        training_data=training_data,
    )
    name = f"{settings.MODEL_DIRECTORY.rstrip('/')}/{bundle.version}-{digest}.pt"
    try:
        if model.file.storage.exists(name):  # named by its content: the very same bytes
            model.file.name = name
        else:
            model.file.save(name, ContentFile(payload), save=False)
    except OSError as exc:  # a full disk, a storage outage: no row, and no half-written file
        model.file.storage.delete(name)
        raise RegistryError(
            f"Could not store the bundle {name!r} ({len(payload)} bytes): {exc}. "
            "Nothing was registered; the active model is unchanged."
        ) from exc
    model.save()
    return model


def activate(model: SentimentModel) -> None:
    """Make ``model`` the active one and rescore every review in the background."""
    if model.load_error:
        raise RegistryError(f"{model.version} failed to load last time: {model.load_error}")
    with transaction.atomic():
        model.make_active()
        transaction.on_commit(enqueue_rescore)


def rollback() -> SentimentModel:
    """Re-activate the previously active model; with none, the shipped one.

    Returns the model now active.
    """
    current = SentimentModel.objects.filter(is_active=True).first()
    others = SentimentModel.objects.filter(load_error="").exclude(
        pk=current.pk if current else None
    )
    previous = (
        others.filter(activated_at__isnull=False).order_by(F("activated_at").desc()).first()
        or others.filter(training_data__shipped=True).order_by("-created").first()
    )
    if previous is None:
        raise RegistryError("Nothing to roll back to: no other model has been active.")
    activate(previous)
    return previous


@functools.cache
def _shipped_bundle() -> tuple[Bundle, bytes]:
    from sentirec.sentiment.bundle import default_bundle_path, load_bundle

    payload = default_bundle_path().read_bytes()
    return load_bundle(payload), payload


def shipped_metrics(bundle: Bundle) -> dict:
    """The shipped bundle's own validation figures under the registry's metric names (the
    curve is its first member's, for an ensemble)."""
    found = bundle.metrics
    history = found.get("history") or next(
        (m["history"] for m in found.get("members", []) if m.get("history")), []
    )
    renamed = {"accuracy": "val_accuracy", "macro_f1": "val_macro_f1", "n": "val_n",
               "confusion": "val_confusion", "training_seconds": "train_seconds"}  # fmt: skip
    metrics = {key: found[source] for key, source in renamed.items() if source in found}
    extra = {key: value for key, value in found.items() if key.startswith("accuracy_")}
    return {**metrics, **extra, "history": history}


def register_shipped() -> SentimentModel:
    """Register the bundle shipped inside the package (idempotent), and make it the active
    model when none is: what a new site's workers serve is a row like any other."""
    bundle, payload = _shipped_bundle()
    model = register(
        bundle,
        shipped_metrics(bundle),
        {"shipped": True, "source": "the sentiment bundle shipped inside the sentirec package"},
        payload=payload,
    )
    with transaction.atomic():
        if not SentimentModel.objects.select_for_update().filter(is_active=True).exists():
            model.make_active()  # what the workers served anyway: nothing to rescore
    return model


def enqueue_rescore() -> None:
    """Enqueue the background rescore of every review (a light task that fans out)."""
    enqueue(RESCORE_ALL_REVIEWS, queue=settings.DEFAULT_QUEUE)


def rescore_progress(model: SentimentModel | None = None) -> tuple[int, int]:
    """(reviews scored by this model, all reviews): the admin shows it while rescoring."""
    model = model or SentimentModel.objects.filter(is_active=True).first()
    total = Review.objects.count()
    if model is None:
        return 0, total
    done = Review.objects.filter(
        sentiment_status=SentimentStatus.SCORED, sentiment_model_version=model.version
    ).count()
    return done, total
