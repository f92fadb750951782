"""The REST API, mounted by ``sentirec.urls`` under ``api/`` (namespace ``sentirec:api``)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import APIRootView, DefaultRouter

from sentirec.api import docs, predict, registry, tokens, views
from sentirec.api.base import SentirecAPIMixin, token_authentication_installed
from sentirec.api.errors import error_body
from sentirec.api.feed import FeedView
from sentirec.api.schema import SchemaView

app_name = "api"


@csrf_exempt  # it changes nothing: a DELETE to a bad URL is a 404, not a CSRF failure
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other API URL (say ``/api/items/1.5/``, which no route's id pattern takes) is a 404
    with the API's error body, not the site's HTML page."""
    body = error_body(404, "not_found", "No such API endpoint or object.")
    return JsonResponse(body, status=404)


class RootView(SentirecAPIMixin, APIRootView):
    """``api/``: links to the lists, readable by anyone whatever the host's defaults."""

    schema = None  # not an operation of the schema (as DRF's own root view)


router = DefaultRouter()
router.APIRootView = RootView
router.register("items", views.ItemViewSet, basename="item")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("follows", views.FollowViewSet, basename="follow")
router.register("models", registry.SentimentModelViewSet, basename="model")
router.register("retrain-jobs", registry.RetrainJobViewSet, basename="retrain-job")

urlpatterns = [
    path("feed/", FeedView.as_view(), name="feed"),
    path("sentiment/predict/", predict.PredictView.as_view(), name="predict"),
    path("sentiment/jobs/<slug:job>/", predict.PredictJobView.as_view(), name="predict-job"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    *router.urls,
    *(
        [path("auth/token/", tokens.ObtainTokenView.as_view(), name="token")]
        if token_authentication_installed()
        else []
    ),
    # Ends in a slash, so CommonMiddleware's APPEND_SLASH redirect still applies to the rest.
    re_path(r"^[\s\S]*/$", not_found),
]
