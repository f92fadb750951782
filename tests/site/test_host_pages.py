"""sentirec inside a host's own pages: the host's routes named like sentirec's, its own
login URL name, and its own item page embedding sentirec's reviews with template tags.

The tests run under this module's URLconf, a host that has its own home and about pages
before sentirec at the root, and a login page named ``signin``.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path

from sentirec.models import Item, Review

pytestmark = pytest.mark.django_db

HOST_BASE = """{% load sentirec_ui %}<html><head>{% include "sentirec/includes/assets.html" %}
</head><body>{% include "sentirec/includes/nav.html" %}<main>{% block main %}{% endblock %}
</main></body></html>"""

HOST_ITEM_PAGE = """{% load sentirec_embed %}
<h1>Host page for {{ item }}</h1>
<div id="summary">{% sentirec_rating_summary item %}</div>
<div id="reviews">{% sentirec_reviews item limit=2 %}</div>
<div id="form">{% sentirec_review_form item %}</div>
"""


def render(request: HttpRequest, body: str, **context) -> HttpResponse:
    source = HOST_BASE.replace("{% block main %}{% endblock %}", body)
    html = engines["django"].from_string(source).render(context, request)
    return HttpResponse(html)


def host_home(request: HttpRequest) -> HttpResponse:
    return render(request, "<h1>The host's own home</h1>")


def host_item(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, HOST_ITEM_PAGE, item=get_object_or_404(Item, pk=pk))


def signin(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the host's login page")


urlpatterns = [
    path("admin/", admin.site.urls),  # the demo's base template links to it
    path("", host_home, name="home"),
    path("about/", host_home, name="about"),
    path("signin/", signin, name="signin"),
    path("things/<int:pk>/", host_item, name="thing"),
    path("", include("sentirec.urls")),
]


@pytest.fixture
def host(settings):
    settings.ROOT_URLCONF = __name__
    settings.LOGIN_URL = "signin"
    return settings


def test_the_host_home_page_is_not_marked_as_sentirecs_feed(client, host, user):
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "The host's own home" in html
    assert 'aria-current="page"' not in html  # "Feed" is sentirec's page, not this one


def test_sentirecs_own_pages_are_still_marked_current(client):
    html = client.get("/items/").content.decode()
    assert 'href="/items/" aria-current="page"' in html


def test_pages_link_to_the_hosts_login_url_and_hide_a_logout_it_lacks(client, host, user, item):
    page = client.get(f"/items/{item.pk}/")  # no "login" URL name: this was a 500
    assert page.status_code == 200
    assert '<a href="/signin/?next=' in page.content.decode()
    client.force_login(user)
    html = client.get(f"/items/{item.pk}/").content.decode()
    assert "Log out" not in html  # nowhere to post it
    host.SENTIREC = {"LOGOUT_URL": "/signout/"}
    assert 'action="/signout/"' in client.get(f"/items/{item.pk}/").content.decode()


def test_a_check_says_which_host_routes_shadow_sentirecs_pages(host):
    from sentirec.checks import check_urls

    warnings = check_urls()
    assert [w.id for w in warnings] == ["sentirec.W012"]
    assert "/about/" in warnings[0].msg and "/ (" in warnings[0].msg
    assert "/items/" not in warnings[0].msg  # reachable: not reported
    assert "prefix" in warnings[0].hint
    host.ROOT_URLCONF = "socialsite.urls"
    assert check_urls() == []


def test_a_check_says_when_sentirecs_pages_are_not_included(settings):
    from sentirec.checks import check_urls

    settings.ROOT_URLCONF = "tests.site.urls_without_sentirec"
    assert [w.id for w in check_urls()] == ["sentirec.W011"]


def test_a_host_item_page_embeds_summary_reviews_and_form(
    client, host, user, other_user, make_user, item, write_review
):
    write_review(other_user, item, "Great battery, it lasts forever.", stars=5)
    write_review(make_user("carol"), item, "Broken after a week.", stars=1, label="negative")
    write_review(make_user("dave"), item, "Fine.", stars=3, label="neutral")
    html = client.get(f"/things/{item.pk}/").content.decode()
    assert f"Host page for {item.title}" in html
    assert "from 3 ratings" in html and "1 positive" in html and "1 negative" in html
    assert html.count('class="review card"') == 2  # limit=2, newest first
    assert "Fine." in html and "Great battery" not in html
    assert f'href="/items/{item.pk}/">All 3 reviews' in html
    assert '<a href="/signin/?next=' in html  # a visitor is offered the host's login
    client.force_login(user)
    html = client.get(f"/things/{item.pk}/").content.decode()
    assert f'action="/items/{item.pk}/review/"' in html
    assert 'name="next" value="/things/' in html
    posted = client.post(
        f"/items/{item.pk}/review/",
        {"text": "Lovely phone.", "stars": "4", "next": f"/things/{item.pk}/"},
    )
    assert posted.status_code == 302 and posted.url == f"/things/{item.pk}/"
    assert Review.objects.get(user=user, item=item).text == "Lovely phone."
    html = client.get(f"/things/{item.pk}/").content.decode()
    assert "Save changes" in html and "Delete my review" in html  # the form is now theirs
    posted = client.post(f"/items/{item.pk}/review/delete/", {"next": "https://evil.test/"})
    assert posted.url == f"/items/{item.pk}/"  # only this site's pages are "next"


def test_the_item_page_shows_the_configured_text_field(client, settings, item):
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert '<p class="lede">electronics</p>' not in page
    settings.SENTIREC = {"ITEM_TEXT_FIELD": "category"}
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert '<p class="lede">electronics</p>' in page
