"""Admin for the sentiment model registry and its retrain jobs.

The registry's list has the buttons a person needs without selecting anything (Retrain
now, Roll back); a model's page shows its figures, training curve and confusion matrix
and can activate it; "Compare selected models" lays models side by side. A retrain is a
job whose page follows it to the end. Every button calls ``sentirec.services``; nothing
here runs a model.
"""

from __future__ import annotations

import base64

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from sentirec.models import RetrainJob, RetrainStatus, RetrainTrigger, SentimentModel
from sentirec.services import registry
from sentirec.services.retrain_jobs import request_retrain
from sentirec.templatetags.sentirec_admin import rounded

#: The metrics a model's page and the comparison show, in this order, with their labels.
METRICS = (
    ("accuracy", "accuracy"),
    ("macro_f1", "macro F1"),
    ("n", "validation examples"),
    ("ece", "calibration error (ECE)"),
    ("reviews_per_s", "reviews per second"),
    ("training_seconds", "training seconds"),
    ("active_accuracy_on_validation", "the then-active model's accuracy"),
)


def _plots():
    """matplotlib loads only when a model page is opened, not with every admin import."""
    from sentirec.sentiment import plots

    return plots


def _png_tag(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode()
    return format_html(
        '<img src="data:image/png;base64,{}" alt="{}" style="max-width:100%">', data, alt
    )


def shown(value: object) -> str:
    """Rates (accuracy, F1, ECE) to four decimals, seconds and speeds to one."""
    if isinstance(value, float):
        return rounded(value, 4 if abs(value) <= 1 else 1)
    return str(value)


def metric_rows(model: SentimentModel) -> list[tuple[str, str]]:
    return [(label, shown(model.metrics[key])) for key, label in METRICS if key in model.metrics]


def training_curve(model: SentimentModel) -> str:
    history = model.metrics.get("history")
    return _png_tag(_plots().training_curve_png(history), "training curve") if history else "—"


def confusion_matrix(model: SentimentModel) -> str:
    confusion = model.metrics.get("confusion")
    if not confusion:
        return "—"
    png = _plots().confusion_matrix_png(confusion, ["negative", "positive"])
    return _png_tag(png, "confusion matrix")


@admin.register(SentimentModel)
class SentimentModelAdmin(admin.ModelAdmin):
    change_list_template = "admin/sentirec/sentimentmodel/change_list.html"
    change_form_template = "admin/sentirec/sentimentmodel/change_form.html"
    list_display = ("version", "architecture", "is_active", "shown_accuracy", "origin", "created",
                    "has_error")  # fmt: skip
    list_filter = ("architecture", "is_active")
    search_fields = ("version",)
    actions = ["compare_models"]
    readonly_fields = (
        "version",
        "architecture",
        "is_active",
        "activated_at",
        "origin",
        "rescore_progress",
        "load_error",
        "metrics_table",
        "training_curve",
        "confusion_matrix",
        "trained_by",
        "file",
        "training_data",
        "created",
    )
    exclude = ("metrics",)

    @admin.display(description="accuracy", ordering="metrics__accuracy")
    def shown_accuracy(self, model: SentimentModel) -> str:
        return rounded(model.accuracy, 4)

    @admin.display(description="origin")
    def origin(self, model: SentimentModel) -> str:
        return "shipped with sentirec" if model.training_data.get("shipped") else "retrained"

    @admin.display(boolean=True, description="load error")
    def has_error(self, model: SentimentModel) -> bool:
        return bool(model.load_error)

    @admin.display(description="reviews scored by this model")
    def rescore_progress(self, model: SentimentModel) -> str:
        done, total = registry.rescore_progress(model)
        return f"{done} of {total}" + (" (rescoring…)" if model.is_active and done < total else "")

    @admin.display(description="metrics on the validation set")
    def metrics_table(self, model: SentimentModel) -> str:
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", metric_rows(model))
        return format_html("<table>{}</table>", rows)

    @admin.display(description="training curve")
    def training_curve(self, model: SentimentModel) -> str:
        return training_curve(model)

    @admin.display(description="confusion matrix")
    def confusion_matrix(self, model: SentimentModel) -> str:
        return confusion_matrix(model)

    @admin.display(description="retrain job")
    def trained_by(self, model: SentimentModel) -> str:
        job = model.retrain_jobs.first()
        if job is None:
            return "—"
        url = reverse("admin:sentirec_retrainjob_change", args=[job.pk])
        return format_html('<a href="{}">{}</a>: {}', url, job, job.reason)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models enter the registry by training, not by hand

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_active:
            return False  # what the workers serve; activate another one first
        return super().has_delete_permission(request, obj)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        latest = RetrainJob.objects.select_related("model").first()
        return super().changelist_view(request, {**(extra_context or {}), "latest_job": latest})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        read_only = {"show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}),
                                                                   **read_only})  # fmt: skip

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("retrain/", wrap(require_POST(self.retrain_view)),
                 name="sentirec_sentimentmodel_retrain"),
            path("rollback/", wrap(require_POST(self.rollback_view)),
                 name="sentirec_sentimentmodel_rollback"),
            path("compare/", wrap(self.compare_view), name="sentirec_sentimentmodel_compare"),
            path("<path:object_id>/activate/", wrap(require_POST(self.activate_view)),
                 name="sentirec_sentimentmodel_activate"),
            *super().get_urls(),
        ]  # fmt: skip

    def _may_manage(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def retrain_view(self, request: HttpRequest) -> HttpResponse:
        """The "Retrain now" button: queue a job, then follow it on its own page."""
        self._may_manage(request)
        job = request_retrain(RetrainTrigger.ADMIN, requested_by=request.user)
        if job.status == RetrainStatus.FAILED:
            self.message_user(request, job.reason, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:sentirec_sentimentmodel_changelist"))
        self.message_user(request, f"{job} queued: this page follows it until it is done.")
        return HttpResponseRedirect(reverse("admin:sentirec_retrainjob_change", args=[job.pk]))

    def rollback_view(self, request: HttpRequest) -> HttpResponse:
        """The "Roll back" button: the previously active model (or the shipped one)."""
        self._may_manage(request)
        try:
            model = registry.rollback()
        except registry.RegistryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Rolled back to {model.version}; reviews are being "
                              "rescored.")  # fmt: skip
        return HttpResponseRedirect(reverse("admin:sentirec_sentimentmodel_changelist"))

    def activate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The "Activate" button on a model's page."""
        self._may_manage(request)
        model = get_object_or_404(SentimentModel, pk=object_id)
        try:
            registry.activate(model)
        except registry.RegistryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"{model.version} is active; reviews are being "
                              "rescored.")  # fmt: skip
        return HttpResponseRedirect(reverse("admin:sentirec_sentimentmodel_change",
                                            args=[model.pk]))  # fmt: skip

    @admin.action(description="Compare selected models")
    def compare_models(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        url = reverse("admin:sentirec_sentimentmodel_compare")
        return HttpResponseRedirect(f"{url}?ids={ids}")

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        """``?ids=1,2``: the models' figures side by side, with their plots."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        raw = [part for part in request.GET.get("ids", "").split(",") if part.strip()]
        ids = [int(part) for part in raw if part.strip().isdigit()]
        models = list(SentimentModel.objects.filter(pk__in=ids).order_by("created", "pk"))
        labels = [label for _, label in METRICS]
        rows = [
            (label, [dict(metric_rows(model)).get(label, "—") for model in models])
            for label in labels
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Compare sentiment models",
            "opts": self.model._meta,
            "models": [(m, training_curve(m), confusion_matrix(m)) for m in models],
            "rows": rows,
            "refused": len(raw) != len(ids),
        }
        return TemplateResponse(request, "admin/sentirec/sentimentmodel/compare.html", context)


@admin.register(RetrainJob)
class RetrainJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the retrain service, from queued to their outcome."""

    change_list_template = "admin/sentirec/retrainjob/change_list.html"
    change_form_template = "admin/sentirec/retrainjob/change_form.html"
    list_display = ("__str__", "status", "progress", "trigger", "requested_by", "created",
                    "finished", "model", "promoted", "short_reason")  # fmt: skip
    list_filter = ("status", "trigger", "promoted")
    list_select_related = ("model", "requested_by")
    fields = ("status", "progress", "trigger", "requested_by", "request", "created", "started",
              "finished", "model_link", "promoted", "gate", "reason", "traceback")  # fmt: skip
    readonly_fields = fields

    @admin.display(description="progress")
    def progress(self, job: RetrainJob) -> str:
        if job.status != RetrainStatus.RUNNING:
            return "—"
        return job.stage or "starting"

    @admin.display(description="reason")
    def short_reason(self, job: RetrainJob) -> str:
        return job.reason if len(job.reason) <= 120 else f"{job.reason[:119]}…"

    @admin.display(description="model")
    def model_link(self, job: RetrainJob) -> str:
        if job.model is None:
            return "—"
        url = reverse("admin:sentirec_sentimentmodel_change", args=[job.model.pk])
        return format_html('<a href="{}">{}</a>', url, job.model)

    @admin.display(description="the gate's figures")
    def gate(self, job: RetrainJob) -> str:
        if job.candidate_accuracy is None:
            return "—"
        return format_html(
            "candidate {} vs active {} (required gain {})",
            rounded(job.candidate_accuracy, 4),
            rounded(job.active_accuracy, 4),
            rounded(job.required_gain, 4),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # "Retrain now" on the model list starts one

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        busy = RetrainJob.objects.filter(status__in=(RetrainStatus.QUEUED, RetrainStatus.RUNNING))
        context = {**(extra_context or {}), "refresh": busy.exists()}
        return super().changelist_view(request, context)
