"""The layout: standalone for a host without a base, the host's own when it has one;
offline assets only; readable on a phone (viewport, one column under 52rem)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["sentirec:home", "sentirec:item-list", "sentirec:about", "sentirec:signup"]


@pytest.mark.parametrize("name", PAGES)
def test_the_demo_host_wraps_pages_in_its_own_base(client, name):
    html = client.get(reverse(name)).content.decode()
    assert "Social Site" in html  # templates/base.html
    assert "sentirec/sentirec.css" in html and '<meta name="viewport"' in html


@pytest.mark.parametrize("name", PAGES)
def test_without_a_host_base_the_apps_layout_stands_alone(client, settings, name):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]
    html = client.get(reverse(name)).content.decode()
    assert "Social Site" not in html
    assert '<a class="brand" href="/">sentirec</a>' in html
    assert "sentirec/sentirec.css" in html and "sentirec/sentirec.js" in html


@pytest.mark.parametrize("name", [*PAGES, "sentirec:api:docs"])
def test_pages_load_nothing_from_other_sites(client, name):
    html = client.get(reverse(name)).content.decode()
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)


def test_static_files_are_shipped_and_self_contained():
    for name in ("sentirec/sentirec.css", "sentirec/sentirec.js", "sentirec/api-docs.js"):
        path = finders.find(name)
        assert path, name
        text = Path(path).read_text()
        assert "http://" not in text and "https://" not in text and "@import" not in text


def test_the_stylesheet_has_a_phone_layout():
    css = Path(finders.find("sentirec/sentirec.css")).read_text()
    assert "@media (max-width: 36rem)" in css and "@media (max-width: 52rem)" in css


def test_every_page_and_the_admin_name_the_favicon(client, staff_client):
    icon = static("sentirec/favicon.svg")
    assert finders.find("sentirec/favicon.svg")
    for page in (client.get(reverse("sentirec:home")), staff_client.get(reverse("admin:index"))):
        assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in page.content.decode()
    response = client.get("/favicon.ico")  # asked for by browsers all the same: no 404
    assert response.status_code == 301 and response["Location"] == icon
