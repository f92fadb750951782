from django.contrib import admin
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # POST username and password, get the token for "Authorization: Token <key>".
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("", include("sentirec.urls")),
]
