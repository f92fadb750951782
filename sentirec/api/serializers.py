"""DRF serializers. Field rules come from the model (validators, constraints), so the
API rejects exactly what forms and the admin reject, with the same messages."""

from __future__ import annotations

import re
from functools import cache, cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.signals import setting_changed
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse
from rest_framework.validators import UniqueTogetherValidator

from sentirec.conf import ITEM_MODEL_SETTING, item_model, settings
from sentirec.converters import id_from_text
from sentirec.feeds.feed import MAX_PAGE, MAX_PAGE_SIZE
from sentirec.models import (
    Follow,
    Item,
    ItemStats,
    Rating,
    RetrainJob,
    Review,
    SentimentModel,
)
from sentirec.services.items import item_fields, visible_items

User = get_user_model()


class UserSummarySerializer(serializers.ModelSerializer):
    #: ``USERNAME_FIELD``'s value, as the pages and filters use it: a custom user model
    #: need not have a ``username`` field.
    username = serializers.CharField(source="get_username", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username"]
        read_only_fields = fields


class ItemStatsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemStats
        exclude = ["item", "opinion_total"]


class ItemSerializer(serializers.ModelSerializer):
    """An item as the API shows it: its id, its title (``str(item)``), the fields the host
    lists in ``SENTIREC["ITEM_FIELDS"]`` and its review statistics; nothing else of a
    host's model (see :func:`item_serializer_class`)."""

    title = serializers.CharField(source="__str__", read_only=True)
    stats = ItemStatsSerializer(
        source="sentirec_stats", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Item
        fields = ["id", "title", "stats"]

    def build_field(self, field_name, info, model_class, nested_depth):
        """``id`` is the primary key, whatever the model calls it (a ``slug``, a ``uuid``)."""
        if field_name != "id":
            return super().build_field(field_name, info, model_class, nested_depth)
        field_class, kwargs = super().build_field("pk", info, model_class, nested_depth)
        return field_class, {**kwargs, "source": "pk", "read_only": True}


class WrittenIdField(serializers.PrimaryKeyRelatedField):
    """An object by its id, which a text must write as the API writes ids: DRF would read
    "007" or a full-width "４" (Python's ``int()`` takes any Unicode digit) as 7 or 4."""

    default_error_messages = {"not_an_id": '"{value}" is not an id; write it as the API does.'}

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                id_from_text(self.get_queryset().model, data)
            except ValueError:
                self.fail("not_an_id", value=data)
        return super().to_internal_value(data)


class VisibleItemField(WrittenIdField):
    """An item by its id, among those the requesting user may see (``ITEM_VISIBILITY``):
    another is refused as "does not exist"."""

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=item_model()._default_manager.all(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return visible_items(getattr(request, "user", None) or AnonymousUser())


def unique_per_user(model, message: str) -> UniqueTogetherValidator:
    return UniqueTogetherValidator(model.objects.all(), fields=["user", "item"], message=message)


class SentimentSerializer(serializers.Serializer):
    """The engine's reading of a review; ``label`` shows a moderator's correction if any."""

    status = serializers.CharField(source="sentiment_status")
    label = serializers.CharField()
    score = serializers.FloatField(source="sentiment_score", allow_null=True)
    confidence = serializers.FloatField(source="sentiment_confidence", allow_null=True)
    highlights = serializers.ListField(source="sentiment_highlights", child=serializers.CharField())
    model_version = serializers.CharField(source="sentiment_model_version")
    scored_at = serializers.DateTimeField(source="sentiment_scored_at", allow_null=True)


#: Stars as the schema writes them: 0.5 to 5 in half steps, in ASCII digits.
STARS_PATTERN = r"^(0\.5|[1-4](\.[05])?|5(\.0)?)$"


@extend_schema_field({"type": "string", "pattern": STARS_PATTERN, "example": "4.5"})
class StarsField(serializers.DecimalField):
    """DRF's decimal for stars, as text in ASCII digits ("4", "3.5") or a JSON number.
    DRF reads any Unicode digit (a full-width "４" was 4 stars) and pads or signs ("+4",
    " 4"); the model's validator then keeps 0.5 to 5 in half steps, as the pattern says."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(r"[0-9]+(\.[0-9]+)?", data):
            self.fail("invalid")
        return super().to_internal_value(data)


class ItemFixedAfterCreation:
    """Reviews and ratings: stars in ASCII; an opinion belongs to one item, so ``item`` is
    required when it is written and when it is replaced (PUT), as the schema says, and
    naming another item on an update is a 400, never silently ignored."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: StarsField,
    }

    def validate_item(self, item):
        current = self.instance
        if current is not None and not isinstance(current, list | tuple) and item != current.item:
            raise serializers.ValidationError(
                "An opinion's item cannot be changed; delete it and write a new one for the "
                "other item.",
                code="item_fixed",
            )
        return item


class ReviewSerializer(ItemFixedAfterCreation, serializers.ModelSerializer):
    user = serializers.HiddenField(default=serializers.CurrentUserDefault())
    item = VisibleItemField()
    author = UserSummarySerializer(source="user", read_only=True)
    sentiment = SentimentSerializer(source="*", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "user",
            "author",
            "item",
            "title",
            "text",
            "stars",
            "created",
            "updated",
            "sentiment",
        ]
        read_only_fields = ["created", "updated"]
        validators = [
            unique_per_user(
                Review, "You have already reviewed this item; edit your review instead."
            )
        ]


class RatingSerializer(ItemFixedAfterCreation, serializers.ModelSerializer):
    user = serializers.HiddenField(default=serializers.CurrentUserDefault())
    item = VisibleItemField()
    author = UserSummarySerializer(source="user", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "user", "author", "item", "stars", "created", "updated"]
        read_only_fields = ["created", "updated"]
        validators = [
            unique_per_user(Rating, "You have already rated this item; change your rating instead.")
        ]


class FollowSerializer(serializers.ModelSerializer):
    serializer_related_field = WrittenIdField
    follower = serializers.HiddenField(default=serializers.CurrentUserDefault())
    follower_detail = UserSummarySerializer(source="follower", read_only=True)
    followee_detail = UserSummarySerializer(source="followee", read_only=True)

    class Meta:
        model = Follow
        fields = ["id", "follower", "follower_detail", "followee", "followee_detail", "created"]
        read_only_fields = ["created"]
        validators = [
            UniqueTogetherValidator(
                Follow.objects.all(),
                fields=["follower", "followee"],
                message="You already follow this user.",
            )
        ]

    def validate(self, attrs: dict) -> dict:
        if attrs["follower"] == attrs["followee"]:
            raise serializers.ValidationError({"followee": "You cannot follow yourself."})
        return attrs


class SentimentModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = SentimentModel
        fields = [
            "id",
            "version",
            "architecture",
            "metrics",
            "training_data",
            "created",
            "is_active",
            "activated_at",
            "load_error",
        ]
        read_only_fields = fields


class SentimentModelMetricsSerializer(serializers.ModelSerializer):
    class Meta:
        model = SentimentModel
        fields = ["id", "version", "architecture", "metrics", "training_data"]
        read_only_fields = fields


class RetrainJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="This job's own URL, to poll.")
    model = serializers.SlugRelatedField(
        slug_field="version",
        read_only=True,
        allow_null=True,
        help_text="The version of the model it registered (once it has).",
    )

    class Meta:
        model = RetrainJob
        fields = [
            "id",
            "url",
            "status",
            "trigger",
            "created",
            "started",
            "finished",
            "stage",
            "epoch",
            "epochs",
            "model",
            "promoted",
            "candidate_accuracy",
            "active_accuracy",
            "required_gain",
            "reason",
            "traceback",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "stage": {"help_text": "What it is doing now, while it runs."},
            "promoted": {"help_text": "Whether the gate made its model the active one."},
            "reason": {
                "help_text": "Why it ended as it did: the gate's figures, a skip, an error."
            },
        }

    def get_url(self, job: RetrainJob) -> str:
        return reverse(
            "sentirec:api:retrain-job-detail", args=[job.pk], request=self.context.get("request")
        )


@cache
def item_serializer_class() -> type[ItemSerializer]:
    """:class:`ItemSerializer` for the installed item model, showing ``ITEM_FIELDS``."""
    model = item_model()
    shown = [name for name in item_fields(model) if name not in ItemSerializer.Meta.fields]
    meta = type("Meta", (), {"model": model, "fields": ["id", "title", *shown, "stats"]})
    return type("ItemSerializer", (ItemSerializer,), {"Meta": meta, "__module__": __name__})


def _forget_item_serializer(*, setting: str, **kwargs) -> None:
    if setting in ("SENTIREC", ITEM_MODEL_SETTING):
        item_serializer_class.cache_clear()


setting_changed.connect(_forget_item_serializer)


# --------------------------------------------------------------------------- feed
# The feed is computed, not stored: these read the feed's dataclasses by attribute.


class AttributeSerializer(serializers.Serializer):
    """Output of a plain object whose fields are its attributes (the feed's dataclasses).

    DRF's general lookup (dotted sources, dictionaries, calling callables, a model's
    missing relation) costs a feed page half of its serialization: 20 entries with five
    contributors are about 1,500 lookups. Here each field is one ``getattr``; the fields,
    their ``to_representation`` and the schema are the declared ones.
    """

    @cached_property
    def _attributes(self) -> list[tuple[str, str, serializers.Field]]:
        return [(f.field_name, f.source, f) for f in self._readable_fields]

    def to_representation(self, instance) -> dict:
        return {
            name: None
            if (value := getattr(instance, source)) is None
            else field.to_representation(value)
            for name, source, field in self._attributes
        }


class ContributorSerializer(AttributeSerializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    opinion = serializers.FloatField(help_text="How they felt, from -1 (hated) to 1 (loved).")
    label = serializers.CharField(help_text='The opinion in a word, like "loved".')
    highlights = serializers.ListField(child=serializers.CharField())
    excerpt = serializers.CharField()
    review_id = serializers.IntegerField(allow_null=True)
    via_username = serializers.CharField(
        allow_null=True, help_text="Set when they reached you through someone you follow."
    )
    display_name = serializers.CharField(
        help_text="Their name as the pages show it (the username when they have none)."
    )
    stars = serializers.FloatField(allow_null=True, help_text="Their stars, if they gave some.")
    date = serializers.DateTimeField(
        allow_null=True, help_text="When they last rated or reviewed it."
    )


class FeedEntrySerializer(AttributeSerializer):
    score = serializers.FloatField()
    components = serializers.DictField(child=serializers.FloatField())
    reason = serializers.CharField(help_text="social, quality, model or freshness.")
    explanation = serializers.CharField()
    headline = serializers.CharField(
        help_text="The line the page shows above the contributors; names nobody."
    )
    contributors = ContributorSerializer(many=True)

    def get_fields(self) -> dict:
        # A nested field, built once for the whole page (a serializer per entry cost
        # ~1 ms each); its class follows SENTIREC_ITEM_MODEL.
        return {"item": item_serializer_class()(read_only=True), **super().get_fields()}


class SuggestionSerializer(AttributeSerializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    score = serializers.FloatField()
    reason = serializers.CharField()
    display_name = serializers.CharField()


class QuietFolloweeSerializer(AttributeSerializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    why = serializers.ChoiceField(
        choices=["seen_all", "nothing_yet"],
        help_text="seen_all: you rated or reviewed everything they did; nothing_yet: no opinions.",
    )


class FeedPageSerializer(AttributeSerializer):
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    has_next = serializers.BooleanField()
    cold_start = serializers.BooleanField(
        help_text="True when there is too little about you yet: top items, people to follow."
    )
    generated_at = serializers.DateTimeField()
    entries = FeedEntrySerializer(many=True)
    who_to_follow = SuggestionSerializer(many=True)
    quiet = QuietFolloweeSerializer(
        many=True, help_text="On page 1: the people you follow who have nothing new for you."
    )


class AsciiIntegerField(serializers.IntegerField):
    """DRF's integer, written in ASCII digits: Python's ``int()`` reads a full-width "４"
    as 4, which the schema's integer never promised."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class FeedQuerySerializer(serializers.Serializer):
    page = AsciiIntegerField(required=False, default=1, min_value=1, max_value=MAX_PAGE)
    page_size = AsciiIntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


# --------------------------------------------------------------------------- prediction

MAX_PREDICT_TEXTS = 16


class TextField(serializers.CharField):
    """A JSON string, not a number DRF would turn into one (``[0]`` is not a text)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class PredictSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=TextField(trim_whitespace=False),
        min_length=1,
        max_length=MAX_PREDICT_TEXTS,
        help_text=f"1 to {MAX_PREDICT_TEXTS} texts, each within PREDICT_MAX_CHARS.",
    )

    def validate_texts(self, texts: list[str]) -> list[str]:
        limit = settings.PREDICT_MAX_CHARS
        for number, text in enumerate(texts, start=1):
            if len(text) > limit:
                raise serializers.ValidationError(
                    f"Text {number} is {len(text)} characters long; the limit is {limit}."
                )
        return texts


class HighlightSerializer(serializers.Serializer):
    word = serializers.CharField()
    weight = serializers.FloatField()


class PredictionSerializer(serializers.Serializer):
    label = serializers.CharField()
    score = serializers.FloatField(help_text="P(positive) - P(negative), in [-1, 1].")
    confidence = serializers.FloatField()
    highlights = HighlightSerializer(many=True)


class PredictJobSerializer(serializers.Serializer):
    job = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "done"])
    url = serializers.CharField(help_text="Where to poll for the result.")
    results = PredictionSerializer(many=True, required=False)
