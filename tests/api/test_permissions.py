"""Who may do what through the API, for a visitor, the owner, another user and staff."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sentirec.models import Follow, Rating, Review, SentimentModel

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "owner", "other", "staff"]


@pytest.fixture
def as_role(user, other_user, staff):
    """An API client signed in as the given role (owner is alice, who owns the rows)."""

    def client_for(role: str) -> APIClient:
        client = APIClient()
        actor = {"owner": user, "other": other_user, "staff": staff}.get(role)
        if actor is not None:
            client.force_authenticate(actor)
        return client

    return client_for


@pytest.fixture
def review(user, item, write_review):
    return write_review(user, item, "Alice's words.", stars=4)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_items_reviews_ratings_and_follows(as_role, review, role):
    client = as_role(role)
    for url in ("/api/items/", "/api/reviews/", "/api/ratings/", "/api/follows/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/api/reviews/{review.pk}/").json()["text"] == "Alice's words."


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 403), ("owner", 201), ("other", 201), ("staff", 201)]
)
def test_posting_a_review_needs_a_login(as_role, make_item, role, status):
    fresh = make_item("Fresh")
    response = as_role(role).post(
        "/api/reviews/", {"item": fresh.pk, "text": "New words.", "stars": "4.5"}, format="json"
    )
    assert response.status_code == status, response.json()
    assert Review.objects.filter(item=fresh).count() == (0 if role == "anonymous" else 1)


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 403), ("owner", 200), ("other", 403), ("staff", 403)]
)
def test_only_the_owner_edits_a_review(as_role, review, role, status):
    response = as_role(role).patch(f"/api/reviews/{review.pk}/", {"text": "Edited."}, format="json")
    assert response.status_code == status
    review.refresh_from_db()
    assert review.text == ("Edited." if role == "owner" else "Alice's words.")
    if role == "owner":
        assert response.json()["sentiment"]["status"] == "pending"  # read again by the model


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 403), ("owner", 204), ("other", 403), ("staff", 403)]
)
def test_only_the_owner_deletes_a_review(as_role, review, role, status):
    assert as_role(role).delete(f"/api/reviews/{review.pk}/").status_code == status
    assert Review.objects.filter(pk=review.pk).exists() == (role != "owner")


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 403), ("owner", 200), ("other", 403), ("staff", 403)]
)
def test_only_the_owner_changes_a_rating(as_role, review, role, status):
    rating = Rating.objects.get(user=review.user, item=review.item)
    response = as_role(role).patch(f"/api/ratings/{rating.pk}/", {"stars": "2"}, format="json")
    assert response.status_code == status
    rating.refresh_from_db()
    assert rating.stars == (2 if role == "owner" else 4)
    assert as_role(role).delete(f"/api/ratings/{rating.pk}/").status_code == (
        204 if role == "owner" else status
    )


def test_a_review_or_rating_cannot_move_to_another_item(as_role, review, make_item):
    other_item = make_item("Other")
    client = as_role("owner")
    rating = Rating.objects.get(user=review.user, item=review.item)
    for url in (f"/api/reviews/{review.pk}/", f"/api/ratings/{rating.pk}/"):
        moved = client.patch(url, {"item": other_item.pk}, format="json")
        assert moved.status_code == 400  # said, not silently ignored
        assert "cannot be changed" in moved.json()["errors"]["item"][0]
        same = client.patch(url, {"item": review.item.pk}, format="json")
        assert same.status_code == 200
    review.refresh_from_db()
    rating.refresh_from_db()
    assert review.item_id == rating.item_id == review.item.pk != other_item.pk


def test_a_put_must_name_the_item_as_the_schema_says(as_role, review):
    client = as_role("owner")
    url = f"/api/reviews/{review.pk}/"
    missing = client.put(url, {"text": "Replaced.", "stars": "3"}, format="json")
    assert missing.status_code == 400 and "item" in missing.json()["errors"]
    full = client.put(
        url, {"item": review.item.pk, "text": "Replaced.", "stars": "3"}, format="json"
    )
    assert full.status_code == 200 and full.json()["text"] == "Replaced."


def test_the_author_is_the_signed_in_user_whatever_the_body_says(as_role, make_item, user):
    fresh = make_item("Fresh")
    as_role("other").post(
        "/api/reviews/", {"item": fresh.pk, "text": "Mine", "user": user.pk}, format="json"
    )
    assert Review.objects.get(item=fresh).user.username == "bob"


@pytest.mark.parametrize(
    ("role", "follow_status", "unfollow_status"),
    [("anonymous", 403, 403), ("owner", 201, 204), ("other", 201, 403), ("staff", 201, 403)],
)
def test_follow_and_unfollow(as_role, user, make_user, role, follow_status, unfollow_status):
    carol = make_user("carol")
    client = as_role(role)
    assert client.post("/api/follows/", {"followee": carol.pk}, format="json").status_code == (
        follow_status
    )
    alices = Follow.objects.create(follower=user, followee=make_user("dave"))
    assert client.delete(f"/api/follows/{alices.pk}/").status_code == unfollow_status
    assert Follow.objects.filter(pk=alices.pk).exists() == (role != "owner")


@pytest.fixture
def registered_model(db):
    return SentimentModel.objects.create(
        version="cnn-test",
        architecture="cnn",
        file="sentirec/models/x.pt",
        metrics={"accuracy": 0.86},
    )


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 403), ("owner", 403), ("other", 403), ("staff", 200)]
)
def test_only_staff_list_models_and_read_metrics(as_role, registered_model, role, status):
    client = as_role(role)
    assert client.get("/api/models/").status_code == status
    response = client.get(f"/api/models/{registered_model.pk}/metrics/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["metrics"] == {"accuracy": 0.86}
    else:
        assert "detail" in response.json()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 403), ("owner", 403), ("other", 403), ("staff", 200)]
)
def test_only_staff_activate_a_model(as_role, registered_model, role, status, monkeypatch):
    monkeypatch.setattr("sentirec.services.registry.enqueue_rescore", lambda: None)
    response = as_role(role).post(f"/api/models/{registered_model.pk}/activate/")
    assert response.status_code == status
    registered_model.refresh_from_db()
    assert registered_model.is_active == (role == "staff")


def test_activating_a_broken_model_is_a_conflict(as_role, registered_model):
    SentimentModel.objects.filter(pk=registered_model.pk).update(load_error="bad magic number")
    response = as_role("staff").post(f"/api/models/{registered_model.pk}/activate/")
    assert response.status_code == 409
    assert "bad magic number" in response.json()["detail"]


def test_staff_roll_back_to_the_previous_model(as_role, registered_model, monkeypatch):
    monkeypatch.setattr("sentirec.services.registry.enqueue_rescore", lambda: None)
    client = as_role("staff")
    assert client.post("/api/models/rollback/").status_code == 409  # nothing else was ever active
    newer = SentimentModel.objects.create(version="cnn-2", architecture="cnn", file="b.pt")
    client.post(f"/api/models/{registered_model.pk}/activate/")
    client.post(f"/api/models/{newer.pk}/activate/")
    response = client.post("/api/models/rollback/")
    assert response.status_code == 200
    assert response.json()["active"]["version"] == "cnn-test"
    assert as_role("owner").post("/api/models/rollback/").status_code == 403


@pytest.mark.parametrize(("role", "status"), [("anonymous", 403), ("owner", 200), ("staff", 200)])
def test_predicting_needs_a_login(as_role, role, status, fake_engine):
    response = as_role(role).post("/api/sentiment/predict/", {"texts": ["great"]}, format="json")
    assert response.status_code == status


def test_writes_are_rate_limited_but_reads_are_not(as_role, make_item, settings):
    settings.SENTIREC = {"WRITE_RATE": "2/min"}
    client = as_role("owner")
    codes = [
        client.post(
            "/api/ratings/", {"item": make_item().pk, "stars": "3"}, format="json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    assert all(client.get("/api/ratings/").status_code == 200 for _ in range(5))


@pytest.mark.parametrize("written", ["\uff14", "\u0664", "\uff14.5", "\U0001d7d2"])
def test_stars_are_ascii_numbers(as_role, make_item, written):
    """A full-width "４" (or an Arabic-Indic four) was read as 4 stars."""
    response = as_role("owner").post(
        "/api/ratings/", {"item": make_item().pk, "stars": written}, format="json"
    )
    assert response.status_code == 400 and "stars" in response.json()["errors"]
