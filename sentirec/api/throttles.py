"""The API's door to sentirec's rate limits (``sentirec.throttling``): the same counts as
the page forms, so a write is limited whichever way it comes in. Reads are never counted
here."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS

from sentirec.throttling import PredictLimit, RateLimit, WriteLimit


class UnsafeMethodsOnly(RateLimit):
    """Counts only requests that change something (or make work)."""

    def allow_request(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().allow_request(request, view)


class WriteThrottle(UnsafeMethodsOnly, WriteLimit):
    """Creating, editing and deleting reviews, ratings and follows (``WRITE_RATE``)."""


class PredictThrottle(UnsafeMethodsOnly, PredictLimit):
    """Asking the sentiment model (``PREDICT_RATE``)."""
