"""Admin for every sentirec model, built to stay fast on millions of rows.

Foreign keys use autocomplete widgets, changelists skip the full ``COUNT(*)``, and
the sentiment fields are read-only: only the scoring service writes them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from sentirec import registry_admin  # noqa: F401  (the model registry and retrain jobs)
from sentirec.api.filters import username_field
from sentirec.conf import item_model
from sentirec.models import (
    Follow,
    Interaction,
    Item,
    ItemStats,
    Rating,
    Review,
    SentimentLabel,
)
from sentirec.services import catalog
from sentirec.services.scoring import enqueue_scoring
from sentirec.templatetags.sentirec_admin import rounded

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


#: Searches find an item by its first text field: ``title`` on sentirec.Item, whatever a
#: swapped-in item model has (it need not have a ``title``).
ITEM_SEARCH = tuple(f"item__{name}" for name in catalog.search_fields(item_model())[:1])


class FastChangeList(admin.ModelAdmin):
    """Shared settings for big tables: no full count, a sensible page size, and foreign
    keys to users and items (``lookup_fields``) picked by autocomplete where the target
    model's admin can search, by raw id otherwise (a host's user or item model may have no
    admin, or one without ``search_fields``; Django refuses autocomplete to those)."""

    show_full_result_count = False
    list_per_page = 50
    lookup_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.raw_id_fields = cls.lookup_fields  # autocomplete, below, wins where it can

    def get_autocomplete_fields(self, request) -> tuple[str, ...]:
        return tuple(
            name
            for name in self.lookup_fields
            if _searchable(self.model._meta.get_field(name).related_model, self.admin_site)
        )


def _searchable(model, site: admin.AdminSite) -> bool:
    model_admin = site.get_model_admin(model) if site.is_registered(model) else None
    return bool(model_admin and model_admin.search_fields)


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
    search_fields = (username_field("user"), *ITEM_SEARCH)
    lookup_fields = ("user", "item")
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
    search_fields = ("text", "title", username_field("user"), *ITEM_SEARCH)
    lookup_fields = ("user", "item")
    list_select_related = ("user", "item")
    readonly_fields = (*SENTIMENT_FIELDS, "created", "updated")
    fieldsets = (
        (None, {"fields": ("user", "item", "title", "text", "stars", "created", "updated")}),
        ("Sentiment (written by the scoring service)", {"fields": SENTIMENT_FIELDS}),
        ("Moderation", {"fields": ("corrected_label",)}),
    )

    actions = ["rescore_selected"]

    @admin.display(description="review")
    def short_text(self, review: Review) -> str:
        return (review.title or review.text)[:80]

    @admin.action(description="Rescore selected reviews")
    def rescore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        sent = enqueue_scoring(ids, rescore=True)
        if sent < len(ids):
            self.message_user(
                request,
                f"Queued {sent} of {len(ids)} reviews; the broker is unreachable, the sweeper "
                "will queue the rest.",
                messages.WARNING,
            )
        else:
            self.message_user(request, f"Queued {sent} reviews for rescoring.")


@admin.register(Follow)
class FollowAdmin(FastChangeList):
    list_display = ("follower", "followee", "created")
    search_fields = (username_field("follower"), username_field("followee"))
    lookup_fields = ("follower", "followee")
    list_select_related = ("follower", "followee")


@admin.register(Interaction)
class InteractionAdmin(FastChangeList):
    list_display = ("user", "kind", "item", "weight", "created")
    list_filter = ("kind",)
    search_fields = (username_field("user"), *ITEM_SEARCH)
    lookup_fields = ("user", "item")
    list_select_related = ("user", "item")


def rounded_column(field: str, description: str):
    """A list column showing a float field to two decimals ("<0.01" when smaller)."""

    @admin.display(description=description, ordering=field)
    def column(self, stats: ItemStats) -> str:
        return rounded(getattr(stats, field))

    return column


@admin.register(ItemStats)
class ItemStatsAdmin(FastChangeList):
    """Derived rows, kept current by ``sentirec.services.stats``: read-only here."""

    list_display = (
        "item",
        "rating_count",
        "shown_average_stars",
        "review_count",
        "shown_mean_sentiment",
        "shown_weighted_score",
        "updated",
    )
    search_fields = ITEM_SEARCH
    list_select_related = ("item",)
    ordering = ("-weighted_score",)

    shown_average_stars = rounded_column("average_stars", "average stars")
    shown_mean_sentiment = rounded_column("mean_sentiment", "mean sentiment")
    shown_weighted_score = rounded_column("weighted_score", "weighted score")
    shown_mean_opinion = rounded_column("mean_opinion", "mean opinion")
    shown_opinion_total = rounded_column("opinion_total", "opinion total")
    fields = ("item", "rating_count", "shown_average_stars", "review_count", "scored_count",
              "positive_count", "negative_count", "shown_mean_sentiment", "shown_mean_opinion",
              "opinion_count", "shown_opinion_total", "shown_weighted_score", "last_activity",
              "updated")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # derived data: kept current by sentirec.services

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


if not Item._meta.swapped:
    admin.site.register(Item, ItemAdmin)
