"""What every sentirec API view shares, whatever the host's ``REST_FRAMEWORK`` says:
authentication, permissions, parsers, renderers, pagination, the error body, the OpenAPI
inspector, the extra throttles and ``Cache-Control: private, no-store``.

A host's defaults (a global ``IsAuthenticated``, its own authentication, pagination,
filter backends or versioning) are for the host's own API; none of them reach sentirec's.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.apps import apps
from django.db.models import QuerySet
from django.utils.cache import add_never_cache_headers
from drf_spectacular import utils as spectacular
from drf_spectacular.openapi import AutoSchema
from rest_framework import authentication, parsers, renderers, serializers
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.throttling import BaseThrottle
from rest_framework.validators import UniqueTogetherValidator

from sentirec.api.errors import ErrorSerializer, exception_handler
from sentirec.api.pagination import Pagination
from sentirec.converters import id_from_text

#: What any operation may answer besides its own codes: a bad body or query, no login
#: (401 with token-only authentication), not allowed, not found (or a page past the end),
#: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, throttled. All have the body of
#: ``errors.error_body``.
ERROR_CODES = ("400", "401", "403", "404", "413", "429")
#: What an operation that reads a body may also answer: a content type none of its parsers
#: accepts (or a multipart body so malformed that its type cannot be read).
BODY_ERROR_CODES = ("415",)


#: A text without NUL, as the schema writes it (empty text, where allowed, is its own branch).
NO_NUL = "^[^\\x00]+$"

#: True while ``sentirec.api.schema.Generator`` builds sentirec's schema.
GENERATING_SENTIRECS_SCHEMA: ContextVar[bool] = ContextVar("sentirec_schema", default=False)


class Schema(AutoSchema):
    """Lists a view's query-string filters (``view.filters``) as parameters of its list,
    and the error answers every operation can give, so clients can rely on their shape.

    sentirec's endpoints appear only in sentirec's own schema (``api/schema/``, built by
    ``sentirec.api.schema.Generator``): to any other generator, which lists the views whose
    class has a ``schema``, sentirec's views have none. So the host's own schema (its paths,
    and the tags and operation ids drf-spectacular derives from their common prefix) is the
    same with sentirec installed or not."""

    def __get__(self, instance, owner):
        if instance is None and not GENERATING_SENTIRECS_SCHEMA.get():
            return None
        return super().__get__(instance, owner)

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        reads_body = self.method in ("POST", "PUT", "PATCH")
        creates = self.method == "POST" and self._creates_unique()
        codes = (*ERROR_CODES, *(BODY_ERROR_CODES if reads_body else ()), *(("409",) * creates))
        for code in codes:
            if code not in responses:
                error = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code] = error
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False) -> dict:
        """A text a client sends may not hold NUL (DRF refuses it: PostgreSQL cannot store
        it), so the schema's strings say so."""
        meta = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and meta.get("type") == "string"
            and "pattern" not in meta
        ):
            meta["pattern"] = NO_NUL
        return meta

    def _creates_unique(self) -> bool:
        """Whether the body's serializer refuses a second copy (a 409, ``errors``)."""
        serializer = self.get_request_serializer()
        declared = serializer if isinstance(serializer, type) else type(serializer)
        validators = getattr(getattr(declared, "Meta", None), "validators", ())
        return any(isinstance(validator, UniqueTogetherValidator) for validator in validators)

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        filters = getattr(self.view, "filters", None)
        return [*parameters, filters] if filters and self._is_list_view() else parameters


def extend_schema(**kwargs):
    """drf-spectacular's ``extend_schema``, built on :class:`Schema`. The plain decorator
    builds on the host's ``DEFAULT_SCHEMA_CLASS`` as it is at import time: DRF's own
    inspector when the host sets none, and then the operation cannot be generated
    (``check --deploy``: drf_spectacular.E001)."""
    decorate = spectacular.extend_schema(**kwargs)

    def decorator(function):
        function.schema = Schema
        return decorate(function)

    return decorator


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's ``json`` (``[[[[...``)
    a 400 like any other bad JSON instead of a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None


def token_authentication_installed() -> bool:
    """Whether the host lists ``rest_framework.authtoken`` (the token table exists)."""
    return apps.is_installed("rest_framework.authtoken")


class SentirecAPIMixin:
    """The base of every sentirec API view: it declares what DRF would otherwise read
    from the host's ``REST_FRAMEWORK`` defaults."""

    schema = Schema()
    permission_classes = (IsAuthenticatedOrReadOnly,)
    pagination_class = Pagination
    parser_classes = (JSONParser, parsers.FormParser, parsers.MultiPartParser)
    renderer_classes = (renderers.JSONRenderer, renderers.BrowsableAPIRenderer)
    content_negotiation_class = DefaultContentNegotiation
    filter_backends = ()
    versioning_class = None
    #: Throttles added to the site's default ones.
    extra_throttle_classes: tuple[type[BaseThrottle], ...] = ()

    def get_authenticators(self) -> list[authentication.BaseAuthentication]:
        """Session authentication (with CSRF), and ``Authorization: Token <key>`` when
        the host has installed ``rest_framework.authtoken``."""
        found = [authentication.SessionAuthentication()]
        if token_authentication_installed():
            found.append(authentication.TokenAuthentication())
        return found

    def get_exception_handler(self):
        return exception_handler

    def finalize_response(self, request: Request, response: Response, *args, **kwargs):
        """Every answer is about this user or changes as workers finish (statuses, the
        feed, prediction jobs): no page cache or proxy may keep it."""
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_throttles(self) -> list[BaseThrottle]:
        return [*super().get_throttles(), *(throttle() for throttle in self.extra_throttle_classes)]

    def query_params(self, serializer_class: type[Serializer]) -> dict:
        """The request's query string validated by ``serializer_class`` (400 when bad)."""
        params = serializer_class(data=self.request.query_params, context={"request": self.request})
        params.is_valid(raise_exception=True)
        return params.validated_data

    def filtered(self, rows: QuerySet, filters: type[Serializer]) -> QuerySet:
        """``rows`` narrowed by the query string, as ``filters.apply`` reads it."""
        return filters().apply(rows, self.query_params(filters))

    def get_object(self):
        """The object the URL names; an id not written as the API writes ids ("007", a
        full-width "４", which Python reads as 4) is a 404, like any malformed id."""
        lookup = self.lookup_url_kwarg or self.lookup_field
        try:
            id_from_text(self.get_queryset().model, self.kwargs[lookup], self.lookup_field)
        except ValueError:
            raise NotFound() from None
        return super().get_object()
