"""The sentiment model registry: register a trained bundle, activate it, roll back.

Activation flips ``is_active`` inside one transaction (the database allows one active
row), then enqueues a background rescore of every review. Workers notice the new active
model on their next batch and reload it; nobody restarts anything.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from sentirec.conf import settings
from sentirec.models import Review, SentimentModel, SentimentStatus

if TYPE_CHECKING:
    from sentirec.sentiment.bundle import Bundle


class RegistryError(ValueError):
    """A registry operation that cannot be done (say why)."""


def register(bundle: Bundle, metrics: dict, training_data: dict) -> SentimentModel:
    """Store the bundle through the model storage and add it to the registry (inactive)."""
    payload = bundle.to_bytes()
    digest = hashlib.sha256(payload).hexdigest()[:8]
    existing = SentimentModel.objects.filter(version=bundle.version).first()
    if existing is not None:
        return existing  # the same weights again: nothing new to store
    model = SentimentModel(
        version=bundle.version,
        architecture=bundle.arch,
        metrics=metrics,
        training_data=training_data,
    )
    name = f"{settings.MODEL_DIRECTORY.rstrip('/')}/{bundle.version}-{digest}.pt"
    try:
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


def rollback() -> SentimentModel | None:
    """Re-activate the previously active model; with none, fall back to the shipped default.

    Returns the model now active (None: the shipped default).
    """
    current = SentimentModel.objects.filter(is_active=True).first()
    previous = (
        SentimentModel.objects.filter(activated_at__isnull=False, load_error="")
        .exclude(pk=current.pk if current else None)
        .order_by(F("activated_at").desc())
        .first()
    )
    if previous is not None:
        activate(previous)
        return previous
    if current is None:
        raise RegistryError("Nothing to roll back: no model has been active.")
    with transaction.atomic():
        SentimentModel.objects.filter(pk=current.pk).update(is_active=False)
        transaction.on_commit(enqueue_rescore)
    return None


def enqueue_rescore() -> None:
    """Enqueue the background rescore of every review (a light task that fans out)."""
    from sentirec import tasks
    from sentirec.queueing import enqueue

    enqueue(tasks.rescore_all_reviews, queue=settings.DEFAULT_QUEUE)


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
