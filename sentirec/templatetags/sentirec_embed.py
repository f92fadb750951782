"""Template tags that put sentirec into a host's own item page, the way django-comments'
``{% render_comment_list for obj %}`` does::

    {% load sentirec_embed %}
    {% sentirec_rating_summary book %}
    {% sentirec_reviews book %}
    {% sentirec_review_form book %}

Each renders the same partial as sentirec's item page; the forms post to sentirec's views
and come back to the page they were on. The page needs ``sentirec/includes/assets.html``
in its ``<head>`` for the styles and the "pending" badge updates.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from sentirec.views.item_context import form_context, item_reviews, summary_context

register = template.Library()

#: Reviews shown by ``{% sentirec_reviews %}`` unless told otherwise; the rest are one
#: link away, on sentirec's page for the item.
EMBEDDED_REVIEWS = 10


@register.inclusion_tag("sentirec/includes/item_summary.html")
def sentirec_rating_summary(item: Model) -> dict[str, Any]:
    """The item's stars, rating count and how its reviews feel."""
    return summary_context(item)


@register.inclusion_tag("sentirec/includes/embedded_reviews.html", takes_context=True)
def sentirec_reviews(context: template.Context, item: Model, limit: int = EMBEDDED_REVIEWS):
    """The item's latest ``limit`` reviews, each with its sentiment, newest first."""
    reviews = item_reviews(item)
    return {
        "item": item,
        "reviews": reviews[:limit],
        "count": reviews.count(),
        "request": context.get("request"),
    }


@register.inclusion_tag("sentirec/includes/review_form.html", takes_context=True)
def sentirec_review_form(context: template.Context, item: Model) -> dict[str, Any]:
    """The visitor's review and stars for the item (create, edit, delete), or an offer to
    log in; after posting, the visitor is back on this page."""
    request = context["request"]
    return {
        **form_context(request, item),
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
