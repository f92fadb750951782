"""Admin for the preference-model registry, and a "preview the feed as this user" page.

The preview calls the same ``feed()`` the site does, so staff see exactly what a user
sees (from the cache when it is warm), with every score component and contributor.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from sentirec import tasks
from sentirec.conf import settings
from sentirec.models import PreferenceModel
from sentirec.queueing import enqueue
from sentirec.recommend.feed import feed
from sentirec.services.recommender import activate
from sentirec.views.feed import page_number


def _user_id(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else None


@admin.register(PreferenceModel)
class PreferenceModelAdmin(admin.ModelAdmin):
    list_display = ("version", "is_active", "fit_rmse", "opinions", "created", "activated_at")
    list_filter = ("is_active",)
    search_fields = ("version",)
    readonly_fields = (
        "version",
        "file",
        "config",
        "metrics",
        "training_data",
        "created",
        "is_active",
        "activated_at",
    )
    actions = ["activate_model", "train_now"]

    @admin.display(description="fit RMSE (stars)")
    def fit_rmse(self, model: PreferenceModel) -> float | None:
        return model.metrics.get("fit_rmse_stars")

    @admin.display(description="opinions")
    def opinions(self, model: PreferenceModel) -> int | None:
        return model.training_data.get("opinions")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models enter the registry by training, not by hand

    @admin.action(description="Activate this model (the feed serves it)")
    def activate_model(self, request: HttpRequest, queryset: QuerySet) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one model to activate.", messages.ERROR)
            return
        model = queryset.get()
        activate(model)
        self.message_user(request, f"{model.version} is active; feeds use it from now on.")

    @admin.action(description="Train a new model now (in the background)")
    def train_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        if enqueue(tasks.train_recommender, queue=settings.GPU_QUEUE):
            self.message_user(request, "Training queued; the new model appears here when done.")
        else:
            self.message_user(request, "The broker is unreachable; try again.", messages.ERROR)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.feed_preview)
        return [
            path("feed-preview/", preview, name="sentirec_feed_preview"),
            *super().get_urls(),
        ]

    def feed_preview(self, request: HttpRequest) -> HttpResponse:
        """``?user=<id>&page=<n>``: that user's feed page as the site would show it, for staff
        who may view preference models (``admin_view`` alone lets in any staff account)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        raw = request.GET.get("user", "").strip()
        user_id = _user_id(raw)
        person = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        page = None
        if person is not None:
            page = feed(person, page=page_number(request.GET.get("page")))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Feed preview: {person}" if person else "Feed preview",
            "opts": self.model._meta,
            "raw_user": raw,
            "person": person,
            "not_found": bool(raw) and person is None,
            "feed": page,
        }
        return TemplateResponse(request, "admin/sentirec/feed_preview.html", context)
