"""DRF serializers. Field rules come from the model (validators, constraints), so the
API rejects exactly what forms and the admin reject, with the same messages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from sentirec.models import Follow, Interaction, Item, ItemStats, Rating, Review, SentimentModel

User = get_user_model()


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]
        read_only_fields = fields


class ItemStatsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemStats
        exclude = ["item", "opinion_total"]


class ItemSerializer(serializers.ModelSerializer):
    stats = ItemStatsSerializer(source="sentirec_stats", read_only=True, default=None)

    class Meta:
        model = Item
        fields = ["id", "title", "description", "url", "category", "created", "stats"]
        read_only_fields = ["created"]


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


class ReviewSerializer(serializers.ModelSerializer):
    user = serializers.HiddenField(default=serializers.CurrentUserDefault())
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

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["item"].read_only = True  # a review cannot move to another item
        return fields


class RatingSerializer(serializers.ModelSerializer):
    user = serializers.HiddenField(default=serializers.CurrentUserDefault())
    author = UserSummarySerializer(source="user", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "user", "author", "item", "stars", "created", "updated"]
        read_only_fields = ["created", "updated"]
        validators = [
            unique_per_user(Rating, "You have already rated this item; change your rating instead.")
        ]


class FollowSerializer(serializers.ModelSerializer):
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


class InteractionSerializer(serializers.ModelSerializer):
    user = serializers.HiddenField(default=serializers.CurrentUserDefault())

    class Meta:
        model = Interaction
        fields = ["id", "user", "item", "kind", "weight", "created"]
        read_only_fields = ["created"]


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
