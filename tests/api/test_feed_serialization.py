"""The feed's serializers read attributes directly: the same JSON as DRF's own lookup."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from sentirec.api.serializers import AttributeSerializer, FeedPageSerializer
from sentirec.feeds.feed import feed
from sentirec.models import Follow


def test_a_feed_page_serializes_as_drfs_general_lookup_would(
    monkeypatch, user, other_user, make_user, item, write_review
):
    write_review(other_user, item, "I love it.", stars=5, highlights=("love",), score=0.9)
    Follow.objects.create(follower=user, followee=other_user)
    Follow.objects.create(follower=user, followee=make_user("quiet"))
    page = feed(user, page_size=5)
    request = Request(APIRequestFactory().get("/api/feed/"))
    direct = FeedPageSerializer(page, context={"request": request}).data
    monkeypatch.setattr(
        AttributeSerializer, "to_representation", serializers.Serializer.to_representation
    )
    general = FeedPageSerializer(page, context={"request": request}).data
    assert direct == general
    entry = next(e for e in direct["entries"] if e["item"]["id"] == item.pk)
    assert entry["contributors"][0]["highlights"] == ["love"]
    assert entry["contributors"][0]["via_username"] is None  # None stays None
    assert [(q["username"], q["why"]) for q in direct["quiet"]] == [("quiet", "nothing_yet")]
