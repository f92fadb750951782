"""What every sentirec API view shares, whatever the host's ``REST_FRAMEWORK`` says:
the error body, pagination, the OpenAPI inspector and the extra throttles."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.openapi import AutoSchema
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.serializers import Serializer
from rest_framework.throttling import BaseThrottle

from sentirec.api.errors import ErrorSerializer, exception_handler
from sentirec.api.pagination import Pagination

#: What any operation may answer besides its own codes: a bad body or query, no login
#: (401 with token-only authentication), not allowed, not found (or a page past the end),
#: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, throttled. All have the body of
#: ``errors.error_body``.
ERROR_CODES = ("400", "401", "403", "404", "413", "429")
#: What an operation that reads a body may also answer: a content type none of its parsers
#: accepts (or a multipart body so malformed that its type cannot be read).
BODY_ERROR_CODES = ("415",)


class Schema(AutoSchema):
    """Lists a view's query-string filters (``view.filters``) as parameters of its list,
    and the error answers every operation can give, so clients can rely on their shape."""

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        reads_body = self.method in ("POST", "PUT", "PATCH")
        for code in (*ERROR_CODES, *(BODY_ERROR_CODES if reads_body else ())):
            if code not in responses:
                error = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code] = error
        return responses

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        filters = getattr(self.view, "filters", None)
        return [*parameters, filters] if filters and self._is_list_view() else parameters


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's ``json`` (``[[[[...``)
    a 400 like any other bad JSON instead of a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None


class SentirecAPIMixin:
    schema = Schema()
    pagination_class = Pagination
    #: Throttles added to the site's default ones.
    extra_throttle_classes: tuple[type[BaseThrottle], ...] = ()

    def get_exception_handler(self):
        return exception_handler

    def get_parsers(self) -> list[parsers.BaseParser]:
        """The site's parsers, with DRF's JSON parser swapped for :class:`JSONParser`."""
        return [
            JSONParser() if type(parser) is parsers.JSONParser else parser
            for parser in super().get_parsers()
        ]

    def get_throttles(self) -> list[BaseThrottle]:
        return [*super().get_throttles(), *(throttle() for throttle in self.extra_throttle_classes)]

    def query_params(self, serializer_class: type[Serializer]) -> dict:
        """The request's query string validated by ``serializer_class`` (400 when bad)."""
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def filtered(self, rows: QuerySet, filters: type[Serializer]) -> QuerySet:
        """``rows`` narrowed by the query string, as ``filters.apply`` reads it."""
        return filters().apply(rows, self.query_params(filters))
