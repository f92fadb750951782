"""The personalized feed as JSON: the same pages, scores and explanations as the home page."""

from __future__ import annotations

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sentirec.api.base import SentirecAPIMixin, extend_schema
from sentirec.api.serializers import FeedPageSerializer, FeedQuerySerializer
from sentirec.feeds.feed import feed


class FeedView(SentirecAPIMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[FeedQuerySerializer], responses=FeedPageSerializer)
    def get(self, request: Request) -> Response:
        """Your feed, best first, each entry explained. Anonymous: top items (cold start)."""
        page = feed(request.user, **self.query_params(FeedQuerySerializer))
        return Response(FeedPageSerializer(page, context={"request": request}).data)
