"""The sentiment model registry, for staff: list models, read metrics, activate, roll back,
retrain.

Activation and rollback go through ``sentirec.services.registry`` and retraining through
``sentirec.services.training.retrain`` (as a task), like the admin's buttons; the rescore
and the training run on the workers.
"""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from sentirec import tasks
from sentirec.api.base import SentirecAPIMixin, extend_schema
from sentirec.api.permissions import IsStaff
from sentirec.api.serializers import SentimentModelMetricsSerializer, SentimentModelSerializer
from sentirec.conf import settings
from sentirec.models import SentimentModel
from sentirec.queueing import enqueue
from sentirec.services import registry


class RegistryConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class BrokerUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "broker_unavailable"
    default_detail = "The task broker is unreachable; try again shortly."


RetrainQueued = inline_serializer("RetrainQueued", {"detail": serializers.CharField()})


ActiveModel = inline_serializer(
    "ActiveModel",
    {"active": SentimentModelSerializer(allow_null=True, help_text="None: the shipped default.")},
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
        """Re-activate the previously active model (or the shipped default)."""
        try:
            active = registry.rollback()
        except registry.RegistryError as exc:
            raise RegistryConflict(str(exc)) from exc
        return Response({"active": SentimentModelSerializer(active).data if active else None})

    @extend_schema(
        request=None,
        responses={202: RetrainQueued, 503: {"description": "The broker is unreachable."}},
    )
    @action(detail=False, methods=["post"])
    def retrain(self, request: Request) -> Response:
        """Queue a retrain; the candidate appears in this list when trained, active only if
        it is at least as accurate as the active model on the fixed validation set."""
        if not enqueue(tasks.retrain, queue=settings.GPU_QUEUE):
            raise BrokerUnavailable()
        return Response({"detail": "Retraining queued."}, status=status.HTTP_202_ACCEPTED)
