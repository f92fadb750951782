"""The preference-model admin and the staff-only feed preview."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sentirec.models import PreferenceModel
from sentirec.templatetags.sentirec_admin import rounded

PREVIEW = "admin:sentirec_feed_preview"


@pytest.fixture
def loved(user, other_user, item, follow, review):
    follow(user, other_user)
    review(other_user, item, "The battery lasts forever.", 5, 0.95, highlights=["forever"])
    return item


def test_staff_preview_a_users_feed(staff_client, user, loved):
    response = staff_client.get(reverse(PREVIEW), {"user": user.pk})

    assert response.status_code == 200
    page = response.context["feed"]
    assert page.user_id == user.pk and page.entries[0].item == loved
    body = response.content.decode()
    assert "bob loved this: &#x27;The battery lasts forever.&#x27;" in body
    assert "social" in body and "forever" in body


def test_preview_of_an_unknown_user_says_so(staff_client, db):
    response = staff_client.get(reverse(PREVIEW), {"user": "999999"})

    assert response.status_code == 200 and response.context["feed"] is None
    assert "Nobody is called or numbered “999999”." in response.content.decode()


def test_preview_finds_a_person_by_username_and_suggests_near_names(staff_client, user, loved):
    response = staff_client.get(reverse(PREVIEW), {"user": "ALICE"})
    assert response.context["person"] == user and response.context["feed"].entries

    body = staff_client.get(reverse(PREVIEW), {"user": "lic"}).content.decode()
    assert "Nobody is called or numbered “lic”" in body
    assert '<a href="?user=alice">alice</a>' in body


def test_preview_rounds_numbers_for_people(staff_client, user, loved):
    body = staff_client.get(reverse(PREVIEW), {"user": "alice"}).content.decode()
    table = body.split('id="feed-preview"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"freshness \d\.\d\d<", table), table
    # Django's floatformat prints 9.365224483978398e-182 as it is; the preview's filter:
    assert rounded(9.365224483978398e-182) == "<0.01" and rounded(-4e-9) == "-<0.01"
    assert rounded(0.4269756773516422) == "0.43" and rounded(0.0) == "0.00"


def test_the_preview_is_linked_from_user_and_preference_model_pages(staff_client, user):
    preview = reverse(PREVIEW)
    user_page = staff_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert f'href="{preview}?user=alice"' in user_page.content.decode()
    listed = staff_client.get(reverse("admin:sentirec_preferencemodel_changelist"))
    assert f'href="{preview}"' in listed.content.decode()


def test_preview_is_for_staff_only(client, user, loved):
    client.force_login(user)

    response = client.get(reverse(PREVIEW), {"user": user.pk})

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_preview_needs_the_view_permission_not_only_staff(client, make_user, user, loved):
    from django.contrib.auth.models import Permission

    clerk = make_user("clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse(PREVIEW), {"user": user.pk}).status_code == 403

    clerk.user_permissions.add(Permission.objects.get(codename="view_preferencemodel"))
    assert client.get(reverse(PREVIEW), {"user": user.pk}).status_code == 200


def test_models_are_listed_and_one_can_be_activated(staff_client, commits):
    older = PreferenceModel.objects.create(version="a", file="a.npz", is_active=True)
    newer = PreferenceModel.objects.create(version="b", file="b.npz")
    changelist = reverse("admin:sentirec_preferencemodel_changelist")

    assert staff_client.get(changelist).status_code == 200
    with commits():
        staff_client.post(changelist, {"action": "activate_model", "_selected_action": [newer.pk]})

    older.refresh_from_db()
    newer.refresh_from_db()
    assert newer.is_active and not older.is_active
