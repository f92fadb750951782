"""Model saves -> ``transaction.on_commit`` -> Celery. Nothing heavy runs in a request.

A saved review's id joins the others this process commits within a short window, and
they are scored by one task (``sentirec.queueing.enqueue_ids_on_commit``).

After ``migrate``, the shipped sentiment model is put in the registry.
"""

from __future__ import annotations

import logging

from django.db import connections, router, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sentirec.conf import settings
from sentirec.models import Rating, Review, SentimentModel, SentimentStatus
from sentirec.queueing import SCORE_REVIEWS, enqueue_ids_on_commit
from sentirec.services import registry
from sentirec.services.stats import schedule_refresh

logger = logging.getLogger(__name__)


def _refresh_stats_on_commit(item_id: int) -> None:
    transaction.on_commit(lambda: schedule_refresh([item_id]))


@receiver(post_save, sender=Review, dispatch_uid="sentirec_review_saved")
def review_saved(sender, instance: Review, raw: bool = False, **kwargs) -> None:
    """Score a new or edited review, keep its stars in the user's rating, refresh stats."""
    if raw:  # loaddata: leave fixtures alone
        return
    if instance.stars is not None:
        Rating.objects.update_or_create(
            user_id=instance.user_id, item_id=instance.item_id, defaults={"stars": instance.stars}
        )
    if instance.sentiment_status == SentimentStatus.PENDING:
        enqueue_ids_on_commit(SCORE_REVIEWS, [instance.pk], queue=settings.GPU_QUEUE)
    _refresh_stats_on_commit(instance.item_id)


@receiver(post_save, sender=Rating, dispatch_uid="sentirec_rating_saved")
def rating_saved(sender, instance: Rating, raw: bool = False, **kwargs) -> None:
    """A changed rating is the review's stars too; both feed the item's stats."""
    if raw:
        return
    Review.objects.filter(user_id=instance.user_id, item_id=instance.item_id).exclude(
        stars=instance.stars
    ).update(stars=instance.stars)
    _refresh_stats_on_commit(instance.item_id)


@receiver(post_delete, sender=Review, dispatch_uid="sentirec_review_deleted")
@receiver(post_delete, sender=Rating, dispatch_uid="sentirec_rating_deleted")
def opinion_deleted(sender, instance: Review | Rating, **kwargs) -> None:
    _refresh_stats_on_commit(instance.item_id)


def register_shipped_model(sender, using: str, verbosity: int = 1, **kwargs) -> None:
    """``post_migrate`` (connected in ``apps.py``): the bundle shipped in the package is a
    registry row, active on a new site. A model storage that cannot be written now is
    reported, not fatal to ``migrate``; the next ``migrate`` tries again."""
    if using != router.db_for_write(SentimentModel) or (
        SentimentModel._meta.db_table not in connections[using].introspection.table_names()
    ):
        return  # another database, or sentirec migrated back to zero
    try:
        model = registry.register_shipped()
    except registry.RegistryError as exc:
        logger.warning("The shipped sentiment model is not in the registry: %s", exc)
        return
    if verbosity >= 2:
        print(f"Shipped sentiment model {model}")
