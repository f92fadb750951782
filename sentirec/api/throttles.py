"""Rate limits on requests that make work: writes and sentiment predictions.

Each scope has a default rate; a site overrides it in
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``. Reads are never counted here (the site's
global throttles, if any, still apply to them).
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class UnsafeMethodThrottle(UserRateThrottle):
    """Per user (per IP when anonymous), counting only unsafe methods."""

    default_rate = "60/min"

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.default_rate

    def allow_request(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().allow_request(request, view)


class WriteThrottle(UnsafeMethodThrottle):
    """Creating, editing and deleting reviews, ratings and follows."""

    scope = "sentirec_write"
    default_rate = "60/min"


class PredictThrottle(UnsafeMethodThrottle):
    """Asking the sentiment model: each request is real work for a worker."""

    scope = "sentirec_predict"
    default_rate = "20/min"
