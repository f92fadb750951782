"""schemathesis against the OpenAPI schema the site serves, with every check on, for three
clients: anonymous, signed in by token, and signed in by session (with the CSRF header a
browser's script sends). For generated valid and invalid requests: no 5xx; every answer's
status, content type, headers and body are the ones the schema documents; what the schema
allows is accepted and what it refuses is refused; an operation that needs credentials
refuses made-up ones.

Valid bodies name real objects: schemathesis cannot know which ids exist, so a hook turns
a body's ``item`` or ``followee`` into the site's own (a review of item 0 is rightly a
400). That, and the per-case cache reset, are the only help the generator gets.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

#: Generating the schema touches no database, so it can be loaded when the module is.
#: The WSGI application itself, not socialsite.wsgi, whose serving guard refuses the demo key
#: with DEBUG off, as tests run.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())

#: What the running test put in the database: the client's credentials (none when
#: anonymous) and the ids a valid body may name.
SITE: dict = {}


@schema.auth(refresh_interval=None)
class SignedIn:
    """The test's real credentials on every case, so schemathesis treats them as the
    client's own and sends no made-up ones beside them (``ignored_auth`` probes with
    made-up ones separately)."""

    def get(self, case, context) -> dict | None:
        return SITE.get("credentials")

    def set(self, case, data: dict, context) -> None:
        case.headers = {**(case.headers or {}), **data["headers"]}
        case.cookies = {**(case.cookies or {}), **data["cookies"]}


@schema.hook
def map_body(context, body):
    """A body's whole-number ``item`` / ``followee`` becomes an item / a person that exists
    (anything else, as in an invalid body, is left as generated)."""
    if isinstance(body, dict):
        for field in ("item", "followee"):
            if type(body.get(field)) is int:
                body[field] = SITE[field]
    return body


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Keep the request signals from closing the test's connection (and its transaction),
    as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def session_credentials(user) -> dict:
    """A signed-in browser's cookies, and the CSRF header its scripts send."""
    browser = Client()
    browser.force_login(user)  # no request: the test client's signals stay as they are
    csrf = get_random_string(32)
    return {
        "headers": {"X-CSRFToken": csrf},
        "cookies": {
            django_settings.SESSION_COOKIE_NAME: browser.cookies[
                django_settings.SESSION_COOKIE_NAME
            ].value,
            django_settings.CSRF_COOKIE_NAME: csrf,
        },
    }


@pytest.fixture(params=["anonymous", "token", "session"])
def site(request, toy_model, user, other_user, item, make_item, write_review):
    """Alice as the client, on a site with two items, a review by Bob and a working model."""
    write_review(other_user, item, "Bob's words.")
    make_item("Second")
    credentials = {
        "anonymous": lambda: None,
        "token": lambda: {
            "headers": {"Authorization": f"Token {Token.objects.create(user=user).key}"},
            "cookies": {},
        },
        "session": lambda: session_credentials(user),
    }[request.param]()
    SITE.update(credentials=credentials, item=item.pk, followee=other_user.pk)
    yield
    SITE.clear()


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case, site):
    cache.clear()  # the site's throttles would answer 429 after a hundred cases
    case.call_and_validate()
