from django.contrib import admin
from django.urls import include, path

from socialsite.auth import LoginView, TokenView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's login page with a lockout after repeated failures (socialsite/auth.py).
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    # POST username and password, get the token for "Authorization: Token <key>".
    path("api/auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("sentirec.urls")),
]
