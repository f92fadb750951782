"""A small JSON endpoint the pages poll while reviews wait for their sentiment."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sentirec.models import Review
from sentirec.services.items import only_visible

#: The most reviews one poll may ask about.
MAX_IDS = 50


@never_cache  # a poll must see the sentiment arrive, whatever page cache is in front
@require_GET
def review_status(request: HttpRequest) -> JsonResponse:
    """``?ids=3,5,8`` -> each review's sentiment status and its freshly rendered body."""
    raw = [part for part in request.GET.get("ids", "").split(",") if part]
    if (
        not raw
        or len(raw) > MAX_IDS
        or not all(part.isascii() and part.isdigit() and len(part) < 19 for part in raw)
    ):
        return JsonResponse(
            {"detail": f"ids must be 1 to {MAX_IDS} review ids separated by commas."}, status=400
        )
    reviews = only_visible(Review.objects.filter(pk__in=[int(part) for part in raw]), request.user)
    return JsonResponse(
        {
            "reviews": [
                {
                    "id": review.pk,
                    "status": review.sentiment_status,
                    "label": review.label,
                    "html": render_to_string(
                        "sentirec/includes/review_body.html", {"review": review}
                    ),
                }
                for review in reviews
            ]
        }
    )
