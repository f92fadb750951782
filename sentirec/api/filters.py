"""Query-string filters, declared as serializers so bad values get a 400 with a message
and the OpenAPI schema lists each parameter."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from rest_framework import serializers

from sentirec.api.serializers import VisibleItemField
from sentirec.models import SentimentLabel, SentimentStatus
from sentirec.services.catalog import ORDERING_LABELS

LABEL_CHOICES = [*SentimentLabel.values, SentimentStatus.PENDING, SentimentStatus.FAILED]


def username_field(relation: str) -> str:
    return f"{relation}__{get_user_model().USERNAME_FIELD}"


class ItemFilters(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words in the item's title or shown text fields (empty: every item).",
    )
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Empty: every category."
    )
    order = serializers.ChoiceField(
        required=False,
        allow_blank=True,
        default="top",
        choices=list(ORDERING_LABELS.items()),
        help_text="Empty: top.",
    )

    def validate_order(self, value: str) -> str:
        return value or "top"


class ItemFilter(VisibleItemField):
    """An item's id as a filter: one that does not exist, or that the user may not see,
    matches nothing (an empty page, as an unknown ``author`` does), not a 400."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if error.get_codes() != ["does_not_exist"]:
                raise
            return None  # no opinion is about no item


class OpinionFilters(serializers.Serializer):
    item = ItemFilter(
        required=False, help_text="An item's id (one that does not exist: no results)."
    )
    author = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="A username (empty: anyone)."
    )

    def apply(self, rows: QuerySet, params: dict) -> QuerySet:
        if "item" in params:
            rows = rows.none() if params["item"] is None else rows.filter(item=params["item"])
        if params.get("author"):
            rows = rows.filter(**{username_field("user"): params["author"]})
        return rows


class ReviewFilters(OpinionFilters):
    label = serializers.ChoiceField(
        required=False,
        allow_blank=True,
        choices=LABEL_CHOICES,
        help_text="A sentiment label (a moderator's correction wins), or pending / failed "
        "(empty: any).",
    )

    def apply(self, rows: QuerySet, params: dict) -> QuerySet:
        rows = super().apply(rows, params)
        label = params.get("label")
        if label in SentimentLabel.values:
            model_says = Q(
                corrected_label="", sentiment_status=SentimentStatus.SCORED, sentiment_label=label
            )
            rows = rows.filter(Q(corrected_label=label) | model_says)
        elif label:
            rows = rows.filter(sentiment_status=label)
        return rows


class FollowFilters(serializers.Serializer):
    follower = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="A username (empty: anyone)."
    )
    followee = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="A username (empty: anyone)."
    )

    def apply(self, rows: QuerySet, params: dict) -> QuerySet:
        for role in ("follower", "followee"):
            if params.get(role):
                rows = rows.filter(**{username_field(role): params[role]})
        return rows
