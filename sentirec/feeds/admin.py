"""Admin for the preference-model registry, and a "preview the feed as this user" page.

The preview calls the same ``feed()`` the site does, so staff see exactly what a user
sees (from the cache when it is warm), with every score component and contributor.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path

from sentirec.conf import settings
from sentirec.feeds.feed import feed, page_number
from sentirec.models import PreferenceModel
from sentirec.queueing import TRAIN_RECOMMENDER, enqueue
from sentirec.services.recommender import activate

#: How many near matches the preview lists when nobody has exactly that name.
NEAR_MATCHES = 10


def find_person(raw: str):
    """The user whose username (``USERNAME_FIELD``, any case) is ``raw``, else the one whose
    primary key it is (any pk type), else None."""
    users = get_user_model()._default_manager
    name = get_user_model().USERNAME_FIELD
    person = users.filter(**{f"{name}__iexact": raw}).order_by("pk").first()
    if person is not None:
        return person
    try:
        return users.filter(pk=users.model._meta.pk.to_python(raw)).first()
    except (ValidationError, ValueError, TypeError, OverflowError):
        return None


def near_matches(raw: str) -> list:
    name = get_user_model().USERNAME_FIELD
    rows = get_user_model()._default_manager.filter(**{f"{name}__icontains": raw})
    return list(rows.order_by(name)[:NEAR_MATCHES])


def link_user_admin(site: admin.AdminSite = admin.site) -> None:
    """Give the user admin's pages a "Feed preview" link, when the host left its change
    form to Django's default template (a host with its own can add
    ``{% include "admin/sentirec/feed_preview_link.html" %}`` to its object tools)."""
    user_admin = site._registry.get(get_user_model())
    if user_admin is None or user_admin.change_form_template:
        return
    opts = user_admin.model._meta
    try:
        select_template([f"admin/{opts.app_label}/{opts.model_name}/change_form.html",
                         f"admin/{opts.app_label}/change_form.html"])  # fmt: skip
    except TemplateDoesNotExist:
        user_admin.change_form_template = "admin/sentirec/user_change_form.html"


@admin.register(PreferenceModel)
class PreferenceModelAdmin(admin.ModelAdmin):
    change_list_template = "admin/sentirec/preferencemodel/change_list.html"
    change_form_template = "admin/sentirec/preferencemodel/change_form.html"
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
        if enqueue(TRAIN_RECOMMENDER, queue=settings.GPU_QUEUE):
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
        """``?user=<username or id>&page=<n>``: that user's feed page as the site shows it,
        for staff who may view preference models (``admin_view`` alone lets in any staff)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        raw = request.GET.get("user", "").strip()[:150]
        person = find_person(raw) if raw else None
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
            "near_matches": near_matches(raw) if raw and person is None else [],
            "feed": page,
        }
        return TemplateResponse(request, "admin/sentirec/feed_preview.html", context)


link_user_admin()
