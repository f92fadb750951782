"""Every item has a picture: its initials on its category's colour, drawn as SVG."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sentirec.views.pictures import PALETTE, colour_of

pytestmark = pytest.mark.django_db


def fill(svg: str) -> str:
    return re.search(r'<rect [^>]*fill="(#[0-9a-f]{6})"', svg)[1]


def test_an_items_picture_is_its_initials_on_its_categorys_colour(client, make_item):
    kettle = make_item("Stainless <b>steel</b> kettle", category="kitchen")
    spoon = make_item("wooden spoon", category="kitchen")

    response = client.get(reverse("sentirec:item-picture", args=[kettle.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "max-age=86400" in response["Cache-Control"]
    svg = response.content.decode()
    assert ">SB</text>" in svg and "<b>" not in svg  # the title is escaped
    other = client.get(reverse("sentirec:item-picture", args=[spoon.pk])).content.decode()
    assert ">WS</text>" in other
    assert fill(svg) == fill(other) == colour_of("kitchen") in PALETTE


def test_a_missing_items_picture_is_404(client):
    assert client.get(reverse("sentirec:item-picture", args=[10**9])).status_code == 404


def test_pages_show_the_items_picture(client, item):
    src = reverse("sentirec:item-picture", args=[item.pk])
    assert f'src="{src}"' in client.get(reverse("sentirec:item-list")).content.decode()
    assert (
        f'src="{src}"'
        in client.get(reverse("sentirec:item-detail", args=[item.pk])).content.decode()
    )
