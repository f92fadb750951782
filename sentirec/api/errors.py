"""One error body for every API failure, whatever went wrong::

    {"status": 400, "code": "invalid", "detail": "text: The review text cannot be empty.",
     "errors": {"text": ["The review text cannot be empty."]}}

``detail`` is always one readable sentence; ``errors`` (validation failures only) maps
each field to its messages, as DRF reports them. A write that only repeats what exists (a
second review of the same item, following someone twice) is a 409 ``conflict``: the body
is well formed, the site's state refuses it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _first_message(errors: Any, path: str = "") -> str:
    if isinstance(errors, dict):
        for key, value in errors.items():
            where = path if key == "non_field_errors" else f"{path}.{key}".strip(".")
            return _first_message(value, where)
    if isinstance(errors, list) and errors:
        return _first_message(errors[0], path)
    return f"{path}: {errors}" if path else str(errors)


class ErrorSerializer(serializers.Serializer):
    """The error body, for the OpenAPI schema (every operation lists it for its 4xx)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="Validation only: field -> messages.")


def error_body(status: int, code: str, detail: str, errors: Any = None) -> dict:
    body = {"status": status, "code": code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


def _codes(codes: Any) -> list[str]:
    """Every code in DRF's nested ``get_codes()`` answer."""
    if isinstance(codes, dict):
        return [code for value in codes.values() for code in _codes(value)]
    if isinstance(codes, list):
        return [code for value in codes for code in _codes(value)]
    return [codes]


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, with its many body shapes turned into :func:`error_body`."""
    if isinstance(exc, RequestDataTooBig):  # Django's own 400 page would answer otherwise
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's 500 handling (and logging) applies
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        if set(_codes(exc.get_codes())) == {"unique"}:  # a second review of the same item
            response.status_code = 409
        code = "conflict" if response.status_code == 409 else "invalid"
        response.data = error_body(response.status_code, code, _first_message(errors), errors)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or "error"
        response.data = error_body(response.status_code, code, str(detail))
    return response
