"""Signing up. Logging in and out are Django's own views (``django.contrib.auth.urls``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string

from sentirec.forms import SignupForm
from sentirec.views.common import rate_limited, safe_next


def _session_backend() -> str:
    """The first backend that can load a signed-in user (some, like django-axes', only
    refuse logins)."""
    return next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )


@rate_limited
def signup(request: HttpRequest) -> HttpResponse:
    home = reverse("sentirec:home")
    if request.user.is_authenticated:
        return redirect(home)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=_session_backend())
        messages.success(request, f"Welcome, {user}! Follow a few people to fill your feed.")
        return redirect(safe_next(request, home))
    status = 400 if request.method == "POST" else 200
    return render(request, "sentirec/signup.html", {"form": form}, status=status)
