"""Who may do what, for every URL the site serves: a matrix of each URL name and method
against a visitor, the user who owns the rows (alice), another user (bob) and staff.

Every request is sent the way a browser sends it, with CSRF enforced and the token sent
back; a separate test sends every write without the token. After each request, rows that
belong to alice are unchanged unless alice herself made it. A URL added to the site
without a line here fails ``test_the_matrix_covers_every_url``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sentirec.models import Follow, Rating, RetrainJob, RetrainTrigger, Review

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "user", "other", "staff")
LOGIN = "/accounts/login/"


@dataclass
class World:
    """The rows the requests address; alice owns the review, the rating and the follow."""

    alice: object
    item: int
    fresh_item: int
    review: int
    rating: int
    follow: int
    model: int
    dave: int
    job: str
    retrain_job: int


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: Callable[[World], str]
    #: Status by role, or one status for every role.
    expect: dict[str, int] | int
    #: The request body, or a function of the world giving it.
    body: dict | Callable[[World], dict] = field(default_factory=dict)
    json: bool = False
    #: Where a redirect must go (a prefix), by role.
    redirect: dict[str, str] = field(default_factory=dict)

    def data(self, world: World) -> dict:
        return self.body(world) if callable(self.body) else self.body

    def status(self, role: str) -> int:
        return self.expect if isinstance(self.expect, int) else self.expect[role]

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"


def by_role(anonymous: int, user: int, other: int | None = None, staff: int | None = None):
    other = user if other is None else other
    return {
        "anonymous": anonymous,
        "user": user,
        "other": other,
        "staff": other if staff is None else staff,
    }


TO_LOGIN = {"anonymous": LOGIN}
SIGNED_IN = by_role(302, 200)  # pages that send visitors to the login page
OWNER_ONLY = by_role(403, 200, 403)
STAFF_ONLY = by_role(403, 403, 403, 200)
REVIEW = {"text": "Hostile takeover.", "stars": "1"}

CASES = [
    # Django's auth pages (the demo host's), with the lockout on login.
    Case("login", "GET", lambda w: LOGIN, 200),
    Case("login", "POST", lambda w: LOGIN, 200, {"username": "alice", "password": "wrong"}),
    Case("logout", "POST", lambda w: "/accounts/logout/", 302),
    Case("password_change", "GET", lambda w: "/accounts/password_change/", SIGNED_IN,
         redirect=TO_LOGIN),
    Case("password_change", "POST", lambda w: "/accounts/password_change/", by_role(302, 200),
         {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
         redirect=TO_LOGIN),
    Case("password_change_done", "GET", lambda w: "/accounts/password_change/done/", SIGNED_IN,
         redirect=TO_LOGIN),
    Case("password_reset", "GET", lambda w: "/accounts/password_reset/", 200),
    Case("password_reset_done", "GET", lambda w: "/accounts/password_reset/done/", 200),
    Case("password_reset_confirm", "GET", lambda w: "/accounts/reset/MQ/bad-token/", 200),
    Case("password_reset_complete", "GET", lambda w: "/accounts/reset/done/", 200),
    Case("favicon", "GET", lambda w: "/favicon.ico", 301),
    Case("api-token", "POST", lambda w: "/api/auth/token/", 401,
         {"username": "alice", "password": "wrong"}, json=True),
    # sentirec's pages.
    Case("sentirec:home", "GET", lambda w: "/", 200),
    Case("sentirec:item-list", "GET", lambda w: "/items/", 200),
    Case("sentirec:item-detail", "GET", lambda w: f"/items/{w.item}/", 200),
    Case("sentirec:item-picture", "GET", lambda w: f"/items/{w.item}/picture.svg", 200),
    Case("sentirec:review-save", "POST", lambda w: f"/items/{w.item}/review/", 302, REVIEW,
         redirect=TO_LOGIN),
    # Only ever one's own review: bob and staff have none to delete.
    Case("sentirec:review-delete", "POST", lambda w: f"/items/{w.item}/review/delete/",
         by_role(302, 302, 404), redirect=TO_LOGIN),
    Case("sentirec:rating-save", "POST", lambda w: f"/items/{w.item}/rating/", 302,
         {"rating-stars": "1"}, redirect=TO_LOGIN),
    Case("sentirec:people", "GET", lambda w: "/people/", 200),
    Case("sentirec:profile", "GET", lambda w: "/people/alice/", 200),
    Case("sentirec:follow", "POST", lambda w: "/people/dave/follow/", 302, redirect=TO_LOGIN),
    Case("sentirec:unfollow", "POST", lambda w: "/people/carol/unfollow/", 302,
         redirect=TO_LOGIN),
    Case("sentirec:review-status", "GET", lambda w: f"/reviews/status/?ids={w.review}", 200),
    Case("sentirec:signup", "GET", lambda w: "/signup/", by_role(200, 302)),
    Case("sentirec:about", "GET", lambda w: "/about/", 200),
    # The API: reads are public, writes need a login and ownership, models need staff.
    Case("sentirec:api:api-root", "GET", lambda w: "/api/", 200),
    Case("sentirec:api:schema", "GET", lambda w: "/api/schema/", 200),
    # The demo host's token URL (with its lockout) comes first; sentirec's has the same path.
    Case("sentirec:api:token", "POST", lambda w: "/api/auth/token/", 401,
         {"username": "alice", "password": "wrong"}, json=True),
    Case("sentirec:api:docs", "GET", lambda w: "/api/docs/", 200),
    Case("sentirec:api:feed", "GET", lambda w: "/api/feed/", 200),
    Case("sentirec:api:predict", "POST", lambda w: "/api/sentiment/predict/", by_role(403, 200),
         {"texts": ["great"]}, json=True),
    Case("sentirec:api:predict-job", "GET", lambda w: f"/api/sentiment/jobs/{w.job}/",
         by_role(403, 200, 404)),
    Case("sentirec:api:item-list", "GET", lambda w: "/api/items/", 200),
    Case("sentirec:api:item-list", "POST", lambda w: "/api/items/", by_role(403, 405),
         {"title": "Spam"}, json=True),
    Case("sentirec:api:item-detail", "GET", lambda w: f"/api/items/{w.item}/", 200),
    Case("sentirec:api:item-detail", "DELETE", lambda w: f"/api/items/{w.item}/",
         by_role(403, 405)),
    Case("sentirec:api:review-list", "GET", lambda w: "/api/reviews/", 200),
    Case("sentirec:api:review-list", "POST", lambda w: "/api/reviews/", by_role(403, 201),
         lambda w: {"item": w.fresh_item, "text": "Mine."}, json=True),
    Case("sentirec:api:review-detail", "GET", lambda w: f"/api/reviews/{w.review}/", 200),
    Case("sentirec:api:review-detail", "PATCH", lambda w: f"/api/reviews/{w.review}/",
         OWNER_ONLY, {"text": "Edited."}, json=True),
    Case("sentirec:api:review-detail", "PUT", lambda w: f"/api/reviews/{w.review}/",
         OWNER_ONLY, lambda w: {"item": w.item, "text": "Replaced.", "stars": "2"}, json=True),
    Case("sentirec:api:review-detail", "DELETE", lambda w: f"/api/reviews/{w.review}/",
         by_role(403, 204, 403)),
    Case("sentirec:api:rating-list", "GET", lambda w: "/api/ratings/", 200),
    Case("sentirec:api:rating-list", "POST", lambda w: "/api/ratings/", by_role(403, 201),
         lambda w: {"item": w.fresh_item, "stars": "3"}, json=True),
    Case("sentirec:api:rating-detail", "GET", lambda w: f"/api/ratings/{w.rating}/", 200),
    Case("sentirec:api:rating-detail", "PATCH", lambda w: f"/api/ratings/{w.rating}/",
         OWNER_ONLY, {"stars": "1"}, json=True),
    Case("sentirec:api:rating-detail", "DELETE", lambda w: f"/api/ratings/{w.rating}/",
         by_role(403, 204, 403)),
    Case("sentirec:api:follow-list", "GET", lambda w: "/api/follows/", 200),
    Case("sentirec:api:follow-list", "POST", lambda w: "/api/follows/", by_role(403, 201),
         lambda w: {"followee": w.dave}, json=True),
    Case("sentirec:api:follow-detail", "GET", lambda w: f"/api/follows/{w.follow}/", 200),
    Case("sentirec:api:follow-detail", "DELETE", lambda w: f"/api/follows/{w.follow}/",
         by_role(403, 204, 403)),
    Case("sentirec:api:model-list", "GET", lambda w: "/api/models/", STAFF_ONLY),
    Case("sentirec:api:model-detail", "GET", lambda w: f"/api/models/{w.model}/", STAFF_ONLY),
    Case("sentirec:api:model-metrics", "GET", lambda w: f"/api/models/{w.model}/metrics/",
         STAFF_ONLY),
    Case("sentirec:api:model-activate", "POST", lambda w: f"/api/models/{w.model}/activate/",
         STAFF_ONLY),
    Case("sentirec:api:model-rollback", "POST", lambda w: "/api/models/rollback/", STAFF_ONLY),
    Case("sentirec:api:model-retrain", "POST", lambda w: "/api/models/retrain/",
         by_role(403, 403, 403, 202)),
    Case("sentirec:api:retrain-job-list", "GET", lambda w: "/api/retrain-jobs/", STAFF_ONLY),
    Case("sentirec:api:retrain-job-detail", "GET",
         lambda w: f"/api/retrain-jobs/{w.retrain_job}/", STAFF_ONLY),
    Case("sentirec:api:not-found", "GET", lambda w: "/api/no/such/thing/", 404),
    Case("sentirec:api:not-found", "DELETE", lambda w: "/api/reviews/1.5/", 404),
]  # fmt: skip

#: The API's catch-all 404 has no URL name; the matrix calls it this.
UNNAMED_API_CATCH_ALL = "sentirec:api:not-found"


def url_names() -> set[str]:
    """Every URL name the site serves, outside the admin (``test_admin_is_for_staff_only``)."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}{pattern.name}" if pattern.name else UNNAMED_API_CATCH_ALL)

    walk(get_resolver().url_patterns, "")
    return names


def test_the_matrix_covers_every_url():
    assert {case.name for case in CASES} == url_names()


@pytest.fixture
def world(user, other_user, staff, make_user, item, make_item, toy_model) -> World:
    carol, dave = make_user("carol"), make_user("dave")
    review = Review.objects.create(user=user, item=item, text="Alice's words.", stars=4)
    follow = Follow.objects.create(follower=user, followee=carol)
    alice = Client(enforce_csrf_checks=True)
    alice.force_login(user)
    job = send(alice, "POST", "/api/sentiment/predict/", {"texts": ["great"]}, as_json=True)
    return World(
        alice=user,
        item=item.pk,
        fresh_item=make_item("Fresh").pk,
        review=review.pk,
        rating=Rating.objects.get(user=user, item=item).pk,
        follow=follow.pk,
        model=toy_model.pk,
        dave=dave.pk,
        job=job.json()["job"],
        retrain_job=RetrainJob.objects.create(trigger=RetrainTrigger.SCHEDULE).pk,
    )


def send(client: Client, method: str, path: str, body: dict, as_json: bool, csrf: bool = True):
    """One request as a page or its script sends it: with the CSRF cookie's token."""
    headers = {}
    if csrf:
        client.get(LOGIN)  # a page with a form sets the CSRF cookie
        headers["X-CSRFToken"] = client.cookies["csrftoken"].value
    if as_json:
        data, content_type = json.dumps(body), "application/json"
    else:
        data, content_type = urlencode(body), "application/x-www-form-urlencoded"
    if method == "GET":
        return client.get(path, headers=headers)
    return client.generic(method, path, data, content_type, headers=headers)


def alices_rows(world: World) -> tuple:
    """Everything of alice's that nobody else may change."""
    return (
        list(Review.objects.filter(user=world.alice).values_list("pk", "text", "stars")),
        list(Rating.objects.filter(user=world.alice).values_list("pk", "stars")),
        list(Follow.objects.filter(follower=world.alice).values_list("pk", "followee")),
    )


def as_role(role: str, users: dict) -> Client:
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.fixture
def users(user, other_user, staff) -> dict:
    return {"user": user, "other": other_user, "staff": staff}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_access_matrix(case, world, users):
    got = {}
    for role in ROLES:
        with transaction.atomic():  # each role meets the world as the fixture made it
            before = alices_rows(world)
            response = send(as_role(role, users), case.method, case.path(world),
                            case.data(world), case.json)  # fmt: skip
            got[role] = response.status_code
            if role in case.redirect and response.status_code == 302:
                assert response.url.startswith(case.redirect[role]), (role, response.url)
            if role != "user":
                assert alices_rows(world) == before, f"{role} changed alice's rows"
            transaction.set_rollback(True)
    assert got == {role: case.status(role) for role in ROLES}


#: The token endpoint takes no session, and the catch-all 404 changes nothing.
NO_SESSION = {"api-token", "sentirec:api:token", UNNAMED_API_CATCH_ALL}
WRITES = [c for c in CASES if c.method != "GET" and c.name not in NO_SESSION]


@pytest.mark.parametrize("case", WRITES, ids=lambda case: case.id)
def test_writes_without_the_csrf_token_are_refused(case, world, users):
    """A signed-in browser tricked into posting from another site changes nothing."""
    for role in ("user", "other", "staff"):
        before = alices_rows(world)
        client = as_role(role, users)
        response = send(client, case.method, case.path(world), case.data(world), case.json,
                        csrf=False)  # fmt: skip
        assert response.status_code == 403, (role, response.status_code)
        assert alices_rows(world) == before


def test_admin_is_for_staff_only(user, staff, client):
    """The admin index and each registered model's list."""
    paths = ["/admin/"]
    for model in admin.site._registry:
        paths.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    for path in paths:
        client.logout()
        anonymous = client.get(path)
        assert anonymous.status_code == 302 and anonymous.url.startswith("/admin/login/"), path
        client.force_login(user)
        assert client.get(path).status_code == 302, f"non-staff reached {path}"
        client.force_login(staff)
        assert client.get(path).status_code == 200, path
