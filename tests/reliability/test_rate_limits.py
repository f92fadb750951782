"""One rate-limit policy for every write, whichever door it comes through (page forms and
the API share one count), login attempts limited per client address (password spraying)
and per username, the client address read through the configured number of proxies, and
counts that refuse to live in a per-process cache in production."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from rest_framework.test import APIClient

from sentirec.models import Follow, Review

pytestmark = pytest.mark.django_db

RIGHT = "a-long-pass-phrase-1"  # make_user's password


@pytest.fixture
def limits(settings):
    def set_limits(**rates):
        settings.SENTIREC = {**getattr(settings, "SENTIREC", {}), **rates}

    return set_limits


def test_page_and_api_writes_share_one_count(limits, client, user, other_user, make_item):
    limits(WRITE_RATE="4/min")
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    phone, kettle = make_item("Phone"), make_item("Kettle")
    review = {"text": "Lasts all day, great battery."}
    assert client.post(f"/items/{phone.pk}/review/", review).status_code == 302
    assert client.post(f"/items/{phone.pk}/rating/", {"rating-stars": "4"}).status_code == 302
    assert client.post("/people/bob/follow/").status_code == 302
    created = api.post("/api/ratings/", {"item": kettle.pk, "stars": "3"}, format="json")
    assert created.status_code == 201

    refused = client.post(f"/items/{kettle.pk}/review/", review)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Try again in" in refused.content.decode()
    assert client.post("/people/bob/unfollow/").status_code == 429
    assert api.post("/api/follows/", {"followee": other_user.pk}).status_code == 429
    assert not Review.objects.filter(item=kettle).exists()  # nothing from refused writes
    assert Follow.objects.filter(follower=user).count() == 1
    assert client.get(f"/items/{kettle.pk}/").status_code == 200  # reads are not counted
    other = Client()
    other.force_login(other_user)
    assert other.post(f"/items/{kettle.pk}/rating/", {"rating-stars": "2"}).status_code == 302


def test_review_edits_through_the_page_are_limited(limits, client, user, item):
    limits(WRITE_RATE="5/min")
    client.force_login(user)
    codes = [
        client.post(f"/items/{item.pk}/review/", {"text": f"edit {n}"}).status_code
        for n in range(8)
    ]
    assert codes == [302] * 5 + [429] * 3
    assert Review.objects.get(user=user, item=item).text == "edit 4"


def test_sign_ups_from_one_address_are_limited(limits, client):
    limits(WRITE_RATE="2/min")
    password = "an-unusual-pass-phrase-9"
    codes = [
        Client()
        .post("/signup/", {"username": f"new{n}", "password1": password, "password2": password})
        .status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


def log_in(client: Client, username: str, password: str = "wrong"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_many_usernames_from_one_address_are_limited(limits, make_user):
    """Password spraying: one wrong password against each of many usernames."""
    limits(LOGIN_RATE_PER_ADDRESS="5/min")
    names = [make_user(f"person{n}").username for n in range(7)]
    sprayer = Client(REMOTE_ADDR="198.51.100.9")
    codes = [log_in(sprayer, name).status_code for name in names]
    assert codes == [200] * 5 + [429] * 2
    assert "Too many login attempts" in log_in(sprayer, names[0], RIGHT).content.decode()
    token = APIClient(REMOTE_ADDR="198.51.100.9").post(
        "/api/auth/token/", {"username": names[0], "password": RIGHT}
    )
    assert token.status_code == 429 and token["Retry-After"]
    elsewhere = Client(REMOTE_ADDR="198.51.100.10")
    assert log_in(elsewhere, names[0], RIGHT).status_code == 302


def test_one_username_from_many_addresses_is_bounded(limits, user):
    limits(LOGIN_RATE_PER_USERNAME="4/min")
    codes = [log_in(Client(REMOTE_ADDR=f"203.0.113.{n}"), "alice").status_code for n in range(6)]
    assert codes == [200] * 4 + [429] * 2


def test_behind_a_proxy_the_forwarded_address_is_the_client(limits, settings, user):
    """Every request arrives from the proxy's address; with TRUSTED_PROXY_COUNT = 1 the
    lockout is per client, so one client's failures do not lock alice out for everyone,
    and an X-Forwarded-For entry a client wrote itself is not believed."""
    limits(TRUSTED_PROXY_COUNT=1)

    def via_proxy(client_address: str, forged: str = "") -> Client:
        chain = f"{forged}, {client_address}" if forged else client_address
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=chain)

    attacker = via_proxy("198.51.100.66", forged="192.0.2.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = log_in(attacker, "alice")
    assert last.status_code == 429
    assert log_in(via_proxy("198.51.100.66", forged="192.0.2.2"), "alice", RIGHT).status_code == 429
    owner = via_proxy("192.0.2.1")
    assert log_in(owner, "alice", RIGHT).status_code == 302


def test_without_a_proxy_setting_forwarded_headers_are_ignored(user, settings):
    forged = [
        Client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert [log_in(c, "alice").status_code for c in forged][-1] == 429
    assert log_in(Client(), "alice", RIGHT).status_code == 429


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_production_warns_of_counts_kept_per_process(settings, backend):
    from sentirec.checks import check_throttle_cache

    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": backend}}
    warnings = check_throttle_cache()
    # A warning, not an error: Django's default cache is per-process and a host served by
    # one process (tests/hosts/bookstore) must still pass check --deploy.
    assert [(w.id, w.level) for w in warnings] == [("sentirec.W031", checks.WARNING)]
    settings.DEBUG = True  # the demo: one process
    assert check_throttle_cache() == []


def test_a_throttle_cache_that_is_not_configured_is_named(settings):
    settings.SENTIREC = {"THROTTLE_CACHE": "limits"}
    with pytest.raises(SystemCheckError, match=r"sentirec\.E030.*'limits'"):
        call_command("check")


@pytest.mark.services
def test_counts_live_in_the_shared_cache(limits, client, user, item):
    """Another web process (another connection to Redis) sees the same counts."""
    limits(WRITE_RATE="2/min")
    client.force_login(user)
    client.post(f"/items/{item.pk}/review/", {"text": "one"})
    keys = caches["default"].keys("sentirec:throttle:write:*")
    assert len(keys) == 1
    assert "RedisCache" in type(caches["default"]).__module__ + type(caches["default"]).__name__
