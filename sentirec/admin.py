"""Admin for every sentirec model, built to stay fast on millions of rows.

Foreign keys use autocomplete widgets, changelists skip the full ``COUNT(*)``, and
the sentiment fields are read-only: only the scoring service writes them.
"""

from __future__ import annotations

import base64

from django.contrib import admin, messages
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from sentirec import tasks
from sentirec.api.filters import username_field
from sentirec.conf import item_model, settings
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
from sentirec.queueing import enqueue
from sentirec.services import registry
from sentirec.services.scoring import enqueue_scoring
from sentirec.views import catalog

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
#: Searches find an item by its first text field: ``title`` on sentirec.Item, whatever a
#: swapped-in item model has (it need not have a ``title``).
ITEM_SEARCH = tuple(f"item__{name}" for name in catalog.search_fields(item_model())[:1])


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
    search_fields = (username_field("user"), *ITEM_SEARCH)
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
    search_fields = ("text", "title", username_field("user"), *ITEM_SEARCH)
    autocomplete_fields = ("user", *ITEM_AUTOCOMPLETE)
    raw_id_fields = ITEM_RAW_ID
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
    autocomplete_fields = ("follower", "followee")
    list_select_related = ("follower", "followee")


@admin.register(Interaction)
class InteractionAdmin(FastChangeList):
    list_display = ("user", "kind", "item", "weight", "created")
    list_filter = ("kind",)
    search_fields = (username_field("user"), *ITEM_SEARCH)
    autocomplete_fields = ("user", *ITEM_AUTOCOMPLETE)
    raw_id_fields = ITEM_RAW_ID
    list_select_related = ("user", "item")


def _plots():
    """matplotlib loads only when a model page is opened, not with every admin import."""
    from sentirec.sentiment import plots

    return plots


def _png_tag(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode()
    return format_html(
        '<img src="data:image/png;base64,{}" alt="{}" style="max-width:100%">', data, alt
    )


@admin.register(SentimentModel)
class SentimentModelAdmin(admin.ModelAdmin):
    list_display = ("version", "architecture", "is_active", "accuracy", "created", "has_error")
    list_filter = ("architecture", "is_active")
    search_fields = ("version",)
    actions = ["activate_model", "roll_back", "retrain_now"]
    readonly_fields = (
        "version",
        "architecture",
        "is_active",
        "activated_at",
        "rescore_progress",
        "load_error",
        "metrics_table",
        "training_curve",
        "confusion_matrix",
        "file",
        "training_data",
        "created",
    )
    exclude = ("metrics",)

    @admin.display(boolean=True, description="load error")
    def has_error(self, model: SentimentModel) -> bool:
        return bool(model.load_error)

    @admin.display(description="reviews scored by this model")
    def rescore_progress(self, model: SentimentModel) -> str:
        done, total = registry.rescore_progress(model)
        return f"{done} of {total}" + (" (rescoring…)" if model.is_active and done < total else "")

    @admin.display(description="metrics on the validation set")
    def metrics_table(self, model: SentimentModel) -> str:
        keys = ("accuracy", "macro_f1", "n", "ece", "reviews_per_s", "training_seconds",
                "active_accuracy_on_validation")  # fmt: skip
        rows = [(key, model.metrics[key]) for key in keys if key in model.metrics]
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description="training curve")
    def training_curve(self, model: SentimentModel) -> str:
        history = model.metrics.get("history")
        return _png_tag(_plots().training_curve_png(history), "training curve") if history else "—"

    @admin.display(description="confusion matrix")
    def confusion_matrix(self, model: SentimentModel) -> str:
        confusion = model.metrics.get("confusion")
        if not confusion:
            return "—"
        png = _plots().confusion_matrix_png(confusion, ["negative", "positive"])
        return _png_tag(png, "confusion matrix")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models enter the registry by training, not by hand

    @admin.action(description="Activate this model")
    def activate_model(self, request: HttpRequest, queryset: QuerySet) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one model to activate.", messages.ERROR)
            return
        model = queryset.get()
        try:
            registry.activate(model)
        except registry.RegistryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"{model.version} is active; reviews are being rescored.")

    @admin.action(description="Roll back to the previous model")
    def roll_back(self, request: HttpRequest, queryset: QuerySet) -> None:
        try:
            model = registry.rollback()
        except registry.RegistryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        name = model.version if model else "the shipped default model"
        self.message_user(request, f"Rolled back to {name}; reviews are being rescored.")

    @admin.action(description="Retrain now (in the background)")
    def retrain_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        if enqueue(tasks.retrain, queue=settings.GPU_QUEUE):
            self.message_user(request, "Retraining queued; the new model appears here when done.")
        else:
            self.message_user(request, "The broker is unreachable; try again.", messages.ERROR)


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
    search_fields = ITEM_SEARCH
    list_select_related = ("item",)
    ordering = ("-weighted_score",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ItemStats._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # derived data: kept current by sentirec.services


if not Item._meta.swapped:
    admin.site.register(Item, ItemAdmin)
