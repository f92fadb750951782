"""A host URLconf that forgot ``include("sentirec.urls")`` (see test_host_pages)."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("", lambda request: HttpResponse("home"), name="home")]
