"""Items, reviews, ratings and follows: read by anyone, written by their owners."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.serializers import Serializer

from sentirec.api.base import SentirecAPIMixin
from sentirec.api.filters import FollowFilters, ItemFilters, OpinionFilters, ReviewFilters
from sentirec.api.permissions import IsOwnerOrReadOnly
from sentirec.api.serializers import (
    FollowSerializer,
    RatingSerializer,
    ReviewSerializer,
    item_serializer_class,
)
from sentirec.api.throttles import WriteThrottle
from sentirec.models import Follow, Rating, Review
from sentirec.services.catalog import find_items
from sentirec.services.items import only_visible, visible_items


class ItemViewSet(SentirecAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Items with their review and sentiment statistics; search, filter and order them."""

    filters = ItemFilters

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        if self.action == "list":
            return find_items(user, **self.query_params(ItemFilters))
        return visible_items(user).select_related("sentirec_stats")

    def get_serializer_class(self) -> type[Serializer]:
        return item_serializer_class()


class OwnedViewSet(SentirecAPIMixin, viewsets.ModelViewSet):
    """Rows that belong to one user (``owner_field``): anyone reads, the owner writes."""

    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]
    extra_throttle_classes = (WriteThrottle,)
    owner_field = "user"
    #: The rows' item, shown only where its user may see the item (``ITEM_VISIBILITY``).
    item_field: str | None = "item"
    filters: type[Serializer]
    rows: QuerySet

    def get_queryset(self) -> QuerySet:
        rows = self.rows.all()
        if self.item_field:
            rows = only_visible(rows, self.request.user, self.item_field)
        return self.filtered(rows, self.filters) if self.action == "list" else rows


class ReviewViewSet(OwnedViewSet):
    """Reviews and their sentiment. A new or edited text is scored in the background:
    ``sentiment.status`` is ``pending`` until a worker has read it."""

    serializer_class = ReviewSerializer
    filters = ReviewFilters
    rows = Review.objects.select_related("user").order_by("-created", "-pk")


class RatingViewSet(OwnedViewSet):
    """Star ratings, one per user and item. A review's stars are its author's rating."""

    serializer_class = RatingSerializer
    filters = OpinionFilters
    rows = Rating.objects.select_related("user").order_by("-updated", "-pk")


class FollowViewSet(OwnedViewSet):
    """Who follows whom. Follow with a POST of ``followee``; unfollow with a DELETE."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    serializer_class = FollowSerializer
    filters = FollowFilters
    owner_field = "follower"
    item_field = None
    rows = Follow.objects.select_related("follower", "followee").order_by("-created", "-pk")
