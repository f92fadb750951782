"""Model saves -> ``transaction.on_commit`` -> Celery. Nothing heavy runs in a request."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sentirec import tasks
from sentirec.conf import settings
from sentirec.models import Rating, Review, SentimentStatus
from sentirec.queueing import enqueue_on_commit
from sentirec.services.stats import schedule_refresh


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
        enqueue_on_commit(tasks.score_reviews, [[instance.pk]], queue=settings.GPU_QUEUE)
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
