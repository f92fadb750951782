"""The blog host's URLs: its pages, its API (router, token, schema) and, when the test
settings say so, sentirec at the root."""

from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from tests.hosts.blogapi.blog import views

router = DefaultRouter()
router.register("posts", views.PostViewSet, basename="post")

urlpatterns = [
    path("blog/", views.post_list, name="post-list"),
    path("blog/<slug:slug>/", views.post_detail, name="post-detail"),
    path("api/v1/", include(router.urls)),
    path("api/v1/token/", obtain_auth_token, name="blog-token"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="blog-schema"),
]
if settings.WITH_SENTIREC:
    urlpatterns.append(path("", include("sentirec.urls")))
