"""The sentiment model registry, for staff: list models, read metrics, activate, roll back,
retrain, and follow retrain jobs.

Activation and rollback go through ``sentirec.services.registry`` and retraining through
``sentirec.services.retrain_jobs.request_retrain``, like the admin's buttons; the rescore
and the training run on the workers, which write the job's progress and outcome.
"""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from sentirec.api.base import SentirecAPIMixin, extend_schema
from sentirec.api.permissions import IsStaff
from sentirec.api.serializers import (
    RetrainJobSerializer,
    SentimentModelMetricsSerializer,
    SentimentModelSerializer,
)
from sentirec.models import RetrainJob, RetrainStatus, RetrainTrigger, SentimentModel
from sentirec.services import registry
from sentirec.services.retrain_jobs import request_retrain


class RegistryConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class BrokerUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "broker_unavailable"
    default_detail = "The task broker is unreachable; try again shortly."


ActiveModel = inline_serializer(
    "ActiveModel",
    {"active": SentimentModelSerializer(help_text="The model active after the rollback.")},
)


class SentimentModelViewSet(SentirecAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SentimentModel.objects.all()
    serializer_class = SentimentModelSerializer
    permission_classes = [IsStaff]

    @extend_schema(responses=SentimentModelMetricsSerializer)
    @action(detail=True, methods=["get"])
    def metrics(self, request: Request, pk: str | None = None) -> Response:
        """The model's evaluation metrics and what it was trained on."""
        return Response(SentimentModelMetricsSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=SentimentModelSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Make this model the active one; every review is rescored in the background."""
        model = self.get_object()
        try:
            registry.activate(model)
        except registry.RegistryError as exc:
            raise RegistryConflict(str(exc)) from exc
        return Response(SentimentModelSerializer(model).data)

    @extend_schema(request=None, responses=ActiveModel)
    @action(detail=False, methods=["post"])
    def rollback(self, request: Request) -> Response:
        """Re-activate the previously active model (with none, the shipped one)."""
        try:
            active = registry.rollback()
        except registry.RegistryError as exc:
            raise RegistryConflict(str(exc)) from exc
        return Response({"active": SentimentModelSerializer(active).data})

    @extend_schema(
        request=None,
        responses={
            202: RetrainJobSerializer,
            503: {"description": "The broker is unreachable; the job is recorded as failed."},
        },
    )
    @action(detail=False, methods=["post"])
    def retrain(self, request: Request) -> Response:
        """Queue a retrain and answer its job (poll its ``url``): queued, running with the
        epoch, then succeeded (with the model it registered and whether the gate promoted
        it), skipped or failed, with the reason."""
        job = request_retrain(RetrainTrigger.API, requested_by=request.user)
        if job.status == RetrainStatus.FAILED:
            raise BrokerUnavailable(f"{job.reason} (retrain job {job.pk})")
        body = RetrainJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class RetrainJobViewSet(SentirecAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Retrain jobs, newest first: what each is doing or how it ended, and why."""

    queryset = RetrainJob.objects.select_related("model")
    serializer_class = RetrainJobSerializer
    permission_classes = [IsStaff]
