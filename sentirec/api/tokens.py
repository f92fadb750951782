"""``api/auth/token/``: POST a username and password, get the key for
``Authorization: Token <key>``. Routed only when the host installs
``rest_framework.authtoken`` (``sentirec.api.urls``)."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sentirec.api.base import SentirecAPIMixin, extend_schema

TokenAnswer = inline_serializer("Token", {"token": serializers.CharField()})


class CredentialsSerializer(AuthTokenSerializer):
    """DRF's, with wrong credentials a 401 (a missing field stays a 400)."""

    def validate(self, attrs: dict) -> dict:
        try:
            return super().validate(attrs)
        except serializers.ValidationError as exc:
            raise AuthenticationFailed(str(exc.detail[0])) from exc


class ObtainTokenView(SentirecAPIMixin, APIView):
    """The credentials are in the body: no session or token is read (nor a CSRF token
    needed), and the schema asks for none."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get_authenticators(self) -> list:
        return []

    def get_authenticate_header(self, request: Request) -> str:
        return 'Token realm="api"'

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: TokenAnswer, 401: {"description": "Wrong username or password."}},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Your API token (created on first use); send it as ``Authorization: Token <key>``."""
        from rest_framework.authtoken.models import Token

        credentials = CredentialsSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=credentials.validated_data["user"])
        return Response({"token": token.key})
