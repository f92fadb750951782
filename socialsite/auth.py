"""Brute-force protection for every way into the demo site: the login page, the admin's
login and the API token endpoint.

Failed logins are counted in the cache per (client address, username); after
``LOGIN_FAILURE_LIMIT`` failures within ``LOGIN_LOCKOUT_SECONDS`` that pair is refused,
password right or wrong, until the window ends. The authentication backend enforces it
(so no entry point can bypass it); the login page and the token endpoint check first, to
answer 429 with a message instead of "wrong password". A successful login clears the count.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model, user_logged_in, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import Throttled
from rest_framework.request import Request

from sentirec.api.tokens import ObtainTokenView


def _key(request: HttpRequest | None, username: str) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    raw = f"{address}|{username.casefold()}".encode("utf-8", "surrogatepass")
    return f"login-failures:{hashlib.sha256(raw).hexdigest()}"


def is_locked(request: HttpRequest | None, username: object) -> bool:
    """Whether this client has used up its failed logins for ``username``."""
    if not isinstance(username, str):
        return False
    return (cache.get(_key(request, username)) or 0) >= settings.LOGIN_FAILURE_LIMIT


def locked_message() -> str:
    minutes = max(1, round(settings.LOGIN_LOCKOUT_SECONDS / 60))
    return (
        "Too many failed logins for this username from your address. "
        f"Try again in {minutes} minutes."
    )


@receiver(user_login_failed, dispatch_uid="socialsite_count_login_failure")
def count_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    username = credentials.get("username")
    if not isinstance(username, str):
        return
    key = _key(request, username)
    # The window starts at the first failure: add() sets the expiry, incr() keeps it.
    if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


@receiver(user_logged_in, dispatch_uid="socialsite_clear_login_failures")
def clear_failures(sender, request: HttpRequest | None, user, **kwargs) -> None:
    cache.delete(_key(request, user.get_username()))


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing a locked-out (address, username) before the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        name = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if is_locked(request, name):
            raise PermissionDenied(locked_message())  # authenticate() stops at this backend
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginForm(AuthenticationForm):
    def clean(self) -> dict:
        if is_locked(self.request, self.cleaned_data.get("username")):
            raise ValidationError(locked_message(), code="throttled")
        return super().clean()


class LoginView(auth_views.LoginView):
    """Django's login page; a locked-out login is a 429 with the reason above the form."""

    authentication_form = LoginForm

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
        return response


class TokenView(ObtainTokenView):
    """sentirec's token endpoint with the lockout (429)."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        data = request.data
        if is_locked(request, data.get("username") if hasattr(data, "get") else None):
            raise Throttled(wait=settings.LOGIN_LOCKOUT_SECONDS, detail=locked_message())
