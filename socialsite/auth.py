"""Brute-force protection for every way into the demo site: the login page, the admin's
login and the API token endpoint.

* django-axes locks a (username, client address) pair out after ``AXES_FAILURE_LIMIT``
  failed logins, for ``AXES_COOLOFF_TIME``, password right or wrong; other addresses keep
  logging in as that user (a stranger cannot lock its owner out), and a success clears the
  count. Failures are counted in the shared cache (``AXES_HANDLER``), so every web
  process sees them.
* sentirec's login limits (``sentirec.throttling``) bound attempts per client address,
  whatever the usernames (password spraying), and per username from anywhere.

Both act in the authentication backends, so no entry point bypasses them; the login page
and the token endpoint then answer 429 with the reason instead of "wrong password". The
client address is ``sentirec.throttling.client_address`` (``SENTIREC["TRUSTED_PROXY_COUNT"]``).
"""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request
from rest_framework.response import Response

from sentirec.api.tokens import ObtainTokenView
from sentirec.throttling import login_allowed


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: a username counts in any case ("ALICE" is "alice")."""
    field = get_user_model().USERNAME_FIELD
    name = (credentials or {}).get("username", (credentials or {}).get(field))
    if name is None and hasattr(request, "POST"):
        name = request.POST.get("username")
    return name.casefold() if isinstance(name, str) else None


def refusal(request: HttpRequest | Request | None) -> tuple[str, int] | None:
    """Why the backends refused this login regardless of the password, and for how many
    seconds; None when they did not."""
    if request is None:
        return None
    if getattr(request, "axes_locked_out", False):
        seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
        minutes = max(1, round(seconds / 60))
        return (
            "Too many failed logins for this username from your address. "
            f"Try again in {minutes} minutes.",
            seconds,
        )
    wait = getattr(request, "sentirec_login_wait", None)
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        return f"Too many login attempts. Try again in {seconds} seconds.", seconds
    return None


def lockout_response(request: HttpRequest, original_response: HttpResponse, credentials):
    """``AXES_LOCKOUT_CALLABLE``: the page as the login view rendered it (with the reason,
    for the site's login), answered 429."""
    original_response.status_code = 429
    return original_response


class RateLimitedModelBackend(ModelBackend):
    """Django's backend, refusing an attempt over sentirec's login limits before the
    password is checked (list it after ``axes.backends.AxesStandaloneBackend``)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        name = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if request is not None:
            wait = login_allowed(request, name)
            if wait is not None:
                request.sentirec_login_wait = wait
                raise PermissionDenied("login rate limit")  # authenticate() stops here
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginForm(AuthenticationForm):
    def clean(self) -> dict:
        try:
            return super().clean()
        except ValidationError:
            reason = refusal(self.request)
            if reason:
                raise ValidationError(reason[0], code="throttled") from None
            raise


class LoginView(auth_views.LoginView):
    """Django's login page; a refused login is a 429 with the reason above the form."""

    authentication_form = LoginForm

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
        return response


class TokenView(ObtainTokenView):
    """sentirec's token endpoint; a refused login is a 429 with the reason and
    ``Retry-After`` instead of "wrong credentials"."""

    def handle_exception(self, exc: Exception) -> Response:
        # Not an override of post(), which would lose the endpoint's schema.
        reason = refusal(self.request) if isinstance(exc, AuthenticationFailed) else None
        if reason:
            exc = Throttled(wait=reason[1], detail=reason[0])
        return super().handle_exception(exc)
