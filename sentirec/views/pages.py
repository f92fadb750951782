"""Pages with little logic: how recommendations are made."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sentirec.conf import item_model, settings
from sentirec.services import demo
from sentirec.services.catalog import has_field


def _has_demo_data() -> bool:
    model = item_model()
    return has_field(model, "source") and model._default_manager.filter(source="blitzer").exists()


def about(request: HttpRequest) -> HttpResponse:
    weights = settings.FEED_WEIGHTS
    total = sum(weights.values()) or 1.0
    context = {
        "weights": [(name, round(100 * value / total)) for name, value in weights.items()],
        "demo_data": _has_demo_data(),
        "domain_follows": demo.DOMAIN_FOLLOWS,
        "demo_follows_per_domain": demo.DEMO_FOLLOWS_PER_DOMAIN,
    }
    return render(request, "sentirec/about.html", context)
