"""Admin for every sentirec model, built to stay fast on millions of rows.

Foreign keys use autocomplete widgets, changelists skip the full ``COUNT(*)``, and
the sentiment fields are read-only: only the scoring service writes them.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from sentirec.models import (
    Follow,
    Interaction,
    Item,
    ItemStats,
    Rating,
    Review,
    SentimentLabel,
    SentimentModel,
)

SENTIMENT_FIELDS = (
    "sentiment_status",
    "sentiment_label",
    "sentiment_score",
    "sentiment_confidence",
    "sentiment_model_version",
    "sentiment_highlights",
    "sentiment_scored_at",
    "sentiment_attempted_at",
    "sentiment_attempts",
    "sentiment_failure_reason",
)


# A swapped-in item model may have no admin with search_fields to autocomplete from;
# fall back to a raw-id widget, which is just as fast on big tables.
ITEM_AUTOCOMPLETE = () if Item._meta.swapped else ("item",)
ITEM_RAW_ID = ("item",) if Item._meta.swapped else ()


class FastChangeList(admin.ModelAdmin):
    """Shared settings for big tables: no full count, a sensible page size."""

    show_full_result_count = False
    list_per_page = 50


class StarsDisagreeFilter(admin.SimpleListFilter):
    """Reviews whose stars and sentiment disagree: the ones worth a moderator's look."""

    title = "stars vs sentiment"
    parameter_name = "disagree"

    def lookups(self, request, model_admin):
        return [("yes", "Disagree"), ("no", "Agree")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        disagree = Q(stars__gte=4, sentiment_label=SentimentLabel.NEGATIVE) | Q(
            stars__lte=2, sentiment_label=SentimentLabel.POSITIVE
        )
        if self.value() == "yes":
            return queryset.filter(disagree)
        if self.value() == "no":
            return queryset.filter(stars__isnull=False, sentiment_status="scored").exclude(disagree)
        return queryset


class ItemAdmin(FastChangeList):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "category", "source", "created")
    list_filter = ("category", "source")
    search_fields = ("title", "external_id")
    date_hierarchy = "created"


@admin.register(Rating)
class RatingAdmin(FastChangeList):
    list_display = ("user", "item", "stars", "updated")
    list_filter = ("stars",)
    search_fields = ("user__username", "item__title")
    autocomplete_fields = ("user", *ITEM_AUTOCOMPLETE)
    raw_id_fields = ITEM_RAW_ID
    list_select_related = ("user", "item")


@admin.register(Review)
class ReviewAdmin(FastChangeList):
    list_display = (
        "short_text",
        "user",
        "item",
        "stars",
        "sentiment_status",
        "sentiment_label",
        "sentiment_score",
        "corrected_label",
        "created",
    )
    list_filter = (
        "sentiment_status",
        "sentiment_label",
        "corrected_label",
        "stars",
        StarsDisagreeFilter,
    )
    search_fields = ("text", "title", "user__username", "item__title")
    autocomplete_fields = ("user", *ITEM_AUTOCOMPLETE)
    raw_id_fields = ITEM_RAW_ID
    list_select_related = ("user", "item")
    readonly_fields = (*SENTIMENT_FIELDS, "created", "updated")
    fieldsets = (
        (None, {"fields": ("user", "item", "title", "text", "stars", "created", "updated")}),
        ("Sentiment (written by the scoring service)", {"fields": SENTIMENT_FIELDS}),
        ("Moderation", {"fields": ("corrected_label",)}),
    )

    @admin.display(description="review")
    def short_text(self, review: Review) -> str:
        return (review.title or review.text)[:80]


@admin.register(Follow)
class FollowAdmin(FastChangeList):
    list_display = ("follower", "followee", "created")
    search_fields = ("follower__username", "followee__username")
    autocomplete_fields = ("follower", "followee")
    list_select_related = ("follower", "followee")


@admin.register(Interaction)
class InteractionAdmin(FastChangeList):
    list_display = ("user", "kind", "item", "weight", "created")
    list_filter = ("kind",)
    search_fields = ("user__username", "item__title")
    autocomplete_fields = ("user", *ITEM_AUTOCOMPLETE)
    raw_id_fields = ITEM_RAW_ID
    list_select_related = ("user", "item")


@admin.register(SentimentModel)
class SentimentModelAdmin(admin.ModelAdmin):
    list_display = ("version", "architecture", "is_active", "accuracy", "created", "has_error")
    list_filter = ("architecture", "is_active")
    search_fields = ("version",)
    readonly_fields = (
        "version",
        "architecture",
        "file",
        "metrics",
        "training_data",
        "created",
        "is_active",
        "activated_at",
        "load_error",
    )

    @admin.display(boolean=True, description="load error")
    def has_error(self, model: SentimentModel) -> bool:
        return bool(model.load_error)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models enter the registry by training, not by hand


@admin.register(ItemStats)
class ItemStatsAdmin(FastChangeList):
    list_display = (
        "item",
        "rating_count",
        "average_stars",
        "review_count",
        "mean_sentiment",
        "weighted_score",
        "updated",
    )
    search_fields = ("item__title",)
    list_select_related = ("item",)
    ordering = ("-weighted_score",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ItemStats._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # derived data: kept current by sentirec.services


if not Item._meta.swapped:
    admin.site.register(Item, ItemAdmin)
