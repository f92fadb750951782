"""The bookstore's own sign-in app: its URL names are ``gate:signin`` and ``gate:signout``."""

from django.contrib.auth import views as auth_views
from django.urls import path

app_name = "gate"
urlpatterns = [
    path("in/", auth_views.LoginView.as_view(template_name="gate/signin.html"), name="signin"),
    path("out/", auth_views.LogoutView.as_view(), name="signout"),
]
