"""The demo site's URLs: the admin, Django's sign-in pages (with a lockout), the API
token endpoint, and sentirec at the root."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from socialsite.auth import LoginView, TokenView


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """``/favicon.ico``, which browsers ask for on pages that name no icon: sentirec's."""
    return HttpResponsePermanentRedirect(static("sentirec/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # Django's login page with a lockout after repeated failures (socialsite/auth.py).
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    # POST username and password, get the token for "Authorization: Token <key>".
    path("api/auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("sentirec.urls")),
]
