"""The REST API, mounted by ``sentirec.urls`` under ``api/`` (namespace ``sentirec:api``)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from sentirec.api import docs, predict, registry, views
from sentirec.api.feed import FeedView

app_name = "api"

router = DefaultRouter()
router.register("items", views.ItemViewSet, basename="item")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("follows", views.FollowViewSet, basename="follow")
router.register("models", registry.SentimentModelViewSet, basename="model")

urlpatterns = [
    path("feed/", FeedView.as_view(), name="feed"),
    path("sentiment/predict/", predict.PredictView.as_view(), name="predict"),
    path("sentiment/jobs/<slug:job>/", predict.PredictJobView.as_view(), name="predict-job"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    *router.urls,
]
