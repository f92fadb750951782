"""Sentiment predictions for signed-in users: rate-limited, length-capped, run by a worker.

POST texts; the answer comes at once when a worker finishes within a moment (always with
the embedded in-process default), otherwise as 202 with a URL to poll.
"""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from sentirec.api.base import JSONParser, SentirecAPIMixin, extend_schema
from sentirec.api.serializers import PredictJobSerializer, PredictSerializer
from sentirec.api.throttles import PredictThrottle
from sentirec.models import PredictionJob
from sentirec.services import predict

#: How long a request waits for the worker before answering 202.
WAIT_SECONDS = 2.0

ANSWERS = {
    200: PredictJobSerializer,
    202: PredictJobSerializer,
    503: {"description": "The model or its workers failed; `detail` says which."},
}


class PredictionFailed(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "prediction_failed"


def job_response(request: Request, job: PredictionJob) -> Response:
    if job.status == predict.FAILED:
        raise PredictionFailed(job.error)
    body = {
        "job": str(job.pk),
        "status": job.status,
        "url": reverse("sentirec:api:predict-job", args=[job.pk], request=request),
    }
    if job.status == predict.DONE:
        body["results"] = job.results
    return Response(body, status=200 if job.status == predict.DONE else 202)


class PredictView(SentirecAPIMixin, APIView):
    #: A list of texts is JSON; a form body cannot say where one text's list ends.
    parser_classes = (JSONParser,)

    permission_classes = [IsAuthenticated]
    extra_throttle_classes = (PredictThrottle,)

    @extend_schema(request=PredictSerializer, responses=ANSWERS)
    def post(self, request: Request) -> Response:
        """Predict the sentiment of 1 to 16 texts, with the words that drove each label."""
        texts = PredictSerializer(data=request.data)
        texts.is_valid(raise_exception=True)
        job = predict.start(texts.validated_data["texts"], request.user.pk)
        return job_response(request, predict.wait(job, WAIT_SECONDS))


class PredictJobView(SentirecAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={**ANSWERS, 404: {"description": "Unknown or expired job."}})
    def get(self, request: Request, job: str) -> Response:
        """A prediction job's result (kept for ten minutes), or 202 while it runs."""
        found = predict.get(job)
        if found is None or found.owner_id != request.user.pk:
            raise NotFound("No such prediction job (results are kept for ten minutes).")
        return job_response(request, found)
