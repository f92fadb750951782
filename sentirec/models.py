"""The data model: items, opinions (ratings, reviews), ties (follows), behaviour and models.

Everything the feed reads is indexed for the query it runs; invariants that matter
(one review per user and item, no self-follow, one active sentiment model, stars in
range) are database constraints, not only form checks.
"""

from __future__ import annotations

import uuid

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from sentirec.conf import ITEM_MODEL_SETTING, item_model_label
from sentirec.validators import (
    STAR_VALUES,
    ReviewTextValidator,
    validate_no_nul,
    validate_stars,
)

USER = django_settings.AUTH_USER_MODEL
ITEM = item_model_label()


def stars_field(**kwargs) -> models.DecimalField:
    """0.5 to 5 stars in half steps (FilmTrust's 0.5-4 scale imports unchanged)."""
    return models.DecimalField(
        max_digits=2, decimal_places=1, validators=[validate_stars], **kwargs
    )


def stars_in_range(name: str, field: str = "stars") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": STAR_VALUES}) | Q(**{f"{field}__isnull": True}),
        name=name,
    )


class Item(models.Model):
    """The default thing people review. Swap it with ``SENTIREC_ITEM_MODEL``."""

    title = models.CharField(max_length=300, validators=[validate_no_nul])
    description = models.TextField(blank=True, validators=[validate_no_nul])
    url = models.URLField(blank=True, max_length=500)
    category = models.CharField(max_length=100, blank=True, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    #: Where an imported item came from ("blitzer", "filmtrust", ...) and its id there,
    #: so imports are idempotent. Empty for items created on the site.
    source = models.CharField(max_length=32, blank=True)
    external_id = models.CharField(max_length=100, blank=True)

    class Meta:
        swappable = ITEM_MODEL_SETTING
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="sentirec_item_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sentirec:item-detail", args=[self.pk])


class Rating(models.Model):
    """A user's stars for an item, one per pair; editing replaces the value."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="sentirec_ratings")
    item = models.ForeignKey(ITEM, on_delete=models.CASCADE, related_name="sentirec_ratings")
    stars = stars_field()
    created = models.DateTimeField(default=timezone.now)
    #: When the stars last changed (set on save; imports keep the dataset's date).
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item"],
                name="sentirec_rating_one_per_item",
                violation_error_message="You have already rated this item; change your rating.",
            ),
            models.CheckConstraint(
                condition=Q(stars__in=STAR_VALUES), name="sentirec_rating_stars"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-updated"], name="sentirec_rating_user_recent"),
            models.Index(fields=["item", "-updated"], name="sentirec_rating_item_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} rated {self.item}: {self.stars}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self.updated = timezone.now()
        super().save(*args, **kwargs)


class SentimentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SCORED = "scored", "Scored"
    FAILED = "failed", "Failed"


class SentimentLabel(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"


class Review(models.Model):
    """What a user wrote about an item, and what the sentiment engine made of it.

    The ``sentiment_*`` fields are written only by the scoring service.
    """

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="sentirec_reviews")
    item = models.ForeignKey(ITEM, on_delete=models.CASCADE, related_name="sentirec_reviews")
    title = models.CharField(max_length=200, blank=True, validators=[validate_no_nul])
    text = models.TextField(validators=[ReviewTextValidator()])
    stars = stars_field(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    sentiment_status = models.CharField(
        max_length=8, choices=SentimentStatus.choices, default=SentimentStatus.PENDING
    )
    sentiment_label = models.CharField(max_length=8, choices=SentimentLabel.choices, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    sentiment_confidence = models.FloatField(null=True, blank=True)
    sentiment_model_version = models.CharField(max_length=64, blank=True)
    sentiment_highlights = models.JSONField(default=list, blank=True)
    sentiment_scored_at = models.DateTimeField(null=True, blank=True)
    sentiment_attempted_at = models.DateTimeField(null=True, blank=True)
    sentiment_attempts = models.PositiveSmallIntegerField(default=0)
    sentiment_failure_reason = models.TextField(blank=True)
    #: A moderator's correction of the label; retraining learns from it.
    corrected_label = models.CharField(
        max_length=8,
        blank=True,
        choices=[(SentimentLabel.POSITIVE, "Positive"), (SentimentLabel.NEGATIVE, "Negative")],
    )

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item"],
                name="sentirec_review_one_per_item",
                violation_error_message="You have already reviewed this item; edit your review.",
            ),
            stars_in_range("sentirec_review_stars"),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("text")), 0),
                name="sentirec_review_text_not_blank",
            ),
            models.CheckConstraint(
                condition=Q(sentiment_score__isnull=True)
                | Q(sentiment_score__gte=-1.0, sentiment_score__lte=1.0),
                name="sentirec_review_score_range",
            ),
            models.CheckConstraint(
                condition=Q(sentiment_confidence__isnull=True)
                | Q(sentiment_confidence__gte=0.0, sentiment_confidence__lte=1.0),
                name="sentirec_review_confidence_range",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created"], name="sentirec_review_user_recent"),
            models.Index(fields=["item", "-created"], name="sentirec_review_item_recent"),
            models.Index(
                fields=["sentiment_status", "updated"],
                name="sentirec_review_unscored",
                condition=~Q(sentiment_status="scored"),
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:60]

    def save(self, *args, **kwargs) -> None:
        """A new or edited text goes back to ``pending`` so it is scored again."""
        if self.pk is not None:
            self.updated = timezone.now()
        if self.text != getattr(self, "_saved_text", None):
            self.mark_pending()
        super().save(*args, **kwargs)
        self._saved_text = self.text

    @classmethod
    def from_db(cls, db, field_names, values):
        review = super().from_db(db, field_names, values)
        review._saved_text = review.__dict__.get("text")
        return review

    def mark_pending(self) -> None:
        self.sentiment_status = SentimentStatus.PENDING
        self.sentiment_attempts = 0
        self.sentiment_failure_reason = ""

    @property
    def label(self) -> str:
        """The label to show: a moderator's correction wins over the model's."""
        return self.corrected_label or self.sentiment_label

    @property
    def is_scored(self) -> bool:
        return self.sentiment_status == SentimentStatus.SCORED


class Follow(models.Model):
    """A directed tie: ``follower`` sees what ``followee`` says."""

    follower = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="sentirec_following")
    followee = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="sentirec_followers")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "followee"],
                name="sentirec_follow_once",
                violation_error_message="You already follow this user.",
            ),
            models.CheckConstraint(
                condition=~Q(follower=F("followee")),
                name="sentirec_follow_not_self",
                violation_error_message="You cannot follow yourself.",
            ),
        ]
        indexes = [models.Index(fields=["followee", "follower"], name="sentirec_follow_reverse")]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.followee}"

    def clean(self) -> None:
        if self.follower_id is not None and self.follower_id == self.followee_id:
            raise ValidationError({"followee": "You cannot follow yourself."}, code="self_follow")


class InteractionKind(models.TextChoices):
    VIEW = "view", "View"
    CLICK = "click", "Click"
    SAVE = "save", "Save"
    PURCHASE = "purchase", "Purchase"


class Interaction(models.Model):
    """A behaviour event: the implicit signal a recommender learns from."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="sentirec_interactions")
    item = models.ForeignKey(ITEM, on_delete=models.CASCADE, related_name="sentirec_interactions")
    kind = models.CharField(max_length=8, choices=InteractionKind.choices)
    #: How much of it: a play count, a quantity; 1 for a plain event.
    weight = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["user", "-created"], name="sentirec_interaction_user"),
            models.Index(fields=["item", "kind"], name="sentirec_interaction_item"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.item}"


def model_storage():
    """The storage that holds model bundles (``SENTIREC["MODEL_STORAGE"]``)."""
    from django.core.files.storage import storages

    from sentirec.conf import settings

    return storages[settings.MODEL_STORAGE]


class RegisteredModel(models.Model):
    """A trained model file in a registry where at most one row is active.

    The database enforces the single active row; :meth:`make_active` flips it in one
    transaction so readers never see zero or two.
    """

    version = models.CharField(max_length=64, unique=True)
    file = models.FileField(storage=model_storage, max_length=300)
    metrics = models.JSONField(default=dict, blank=True)
    training_data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="%(app_label)s_%(class)s_one_active",
                violation_error_message="Only one model of this kind can be active.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}{' (active)' if self.is_active else ''}"

    def make_active(self) -> None:
        """Deactivate the active row and activate this one, atomically."""
        manager = type(self)._default_manager
        with transaction.atomic():
            manager.select_for_update().filter(is_active=True).exclude(pk=self.pk).update(
                is_active=False
            )
            manager.filter(pk=self.pk).update(is_active=True, activated_at=timezone.now())
        self.refresh_from_db()


class SentimentModel(RegisteredModel):
    """A trained sentiment bundle in the registry; at most one is active."""

    architecture = models.CharField(max_length=32)
    #: Why the bundle could not be loaded last time a worker tried; empty when fine.
    load_error = models.TextField(blank=True)

    class Meta(RegisteredModel.Meta):
        pass

    @property
    def accuracy(self) -> float | None:
        return self.metrics.get("accuracy")


class RetrainStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class RetrainTrigger(models.TextChoices):
    ADMIN = "admin", "Admin"
    API = "api", "API"
    SCHEDULE = "schedule", "Schedule"
    COMMAND = "command", "Command"


class RetrainJob(models.Model):
    """One retrain of the sentiment model, from the request to its outcome.

    Written only by ``sentirec.services.training``: it is what the admin and the API show
    while a retrain waits and runs (``stage``, ``epoch`` of ``epochs``) and afterwards
    (the model it registered, whether the gate promoted it and on which figures, or why
    it was skipped or failed).
    """

    status = models.CharField(
        max_length=9, choices=RetrainStatus.choices, default=RetrainStatus.QUEUED
    )
    trigger = models.CharField(max_length=8, choices=RetrainTrigger.choices)
    requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: What was asked for: ``{"arch": ..., "options": {...}}`` over ``RETRAIN_*`` settings.
    request = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=100, blank=True)
    epoch = models.PositiveIntegerField(default=0)
    epochs = models.PositiveIntegerField(default=0)
    model = models.ForeignKey(
        SentimentModel,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retrain_jobs",
    )
    promoted = models.BooleanField(null=True, blank=True)
    candidate_accuracy = models.FloatField(null=True, blank=True)
    active_accuracy = models.FloatField(null=True, blank=True)
    required_gain = models.FloatField(null=True, blank=True)
    #: Why it ended as it did, in a sentence: the gate's verdict, a skip, an error.
    reason = models.TextField(blank=True)
    traceback = models.TextField(blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Retrain #{self.pk} ({self.get_status_display().lower()})"

    @property
    def is_done(self) -> bool:
        return self.status not in (RetrainStatus.QUEUED, RetrainStatus.RUNNING)


class ItemStats(models.Model):
    """Per-item aggregates the feed reads instead of scanning ratings and reviews."""

    item = models.OneToOneField(
        ITEM, on_delete=models.CASCADE, primary_key=True, related_name="sentirec_stats"
    )
    rating_count = models.PositiveIntegerField(default=0)
    average_stars = models.FloatField(null=True, blank=True)
    review_count = models.PositiveIntegerField(default=0)
    scored_count = models.PositiveIntegerField(default=0)
    positive_count = models.PositiveIntegerField(default=0)
    negative_count = models.PositiveIntegerField(default=0)
    mean_sentiment = models.FloatField(null=True, blank=True)
    #: Mean opinion (stars blended with confidence-weighted sentiment), in [-1, 1].
    mean_opinion = models.FloatField(null=True, blank=True)
    opinion_count = models.PositiveIntegerField(default=0)
    opinion_total = models.FloatField(default=0.0)
    #: ``mean_opinion`` shrunk toward the site mean by ``opinion_count`` (Bayesian average).
    weighted_score = models.FloatField(default=0.0, db_index=True)
    last_activity = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "item stats"

    def __str__(self) -> str:
        return f"Stats for {self.item}"


class PreferenceModel(RegisteredModel):
    """A trained preference model (SocialFactorModel user/item factors) in the registry.

    The feed serves the active one's factors (its ``model`` component); ``file`` holds
    them as a NumPy ``.npz`` in the model storage. At most one is active.
    """

    config = models.JSONField(default=dict, blank=True)

    class Meta(RegisteredModel.Meta):
        pass


class PredictionStatus(models.TextChoices):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class PredictionJob(models.Model):
    """A sentiment prediction asked for through the API, in the database because the web
    process that creates it and the worker that answers it share nothing else (the
    host's cache may be per process). Purged after ``predict.JOB_SECONDS``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    texts = models.JSONField()
    status = models.CharField(
        max_length=10, choices=PredictionStatus.choices, default=PredictionStatus.PENDING
    )
    results = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Prediction {self.pk} ({self.status})"
