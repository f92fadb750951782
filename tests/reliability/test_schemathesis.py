"""schemathesis against the OpenAPI schema the site serves: for generated valid and invalid
requests, signed in by token, no 5xx, and every answer's status, content type, headers and
body are the ones the schema documents."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import ignored_auth, positive_data_acceptance

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

#: Generating the schema touches no database, so it can be loaded when the module is.
#: The WSGI application itself, not socialsite.wsgi, whose serving guard refuses the demo key
#: with DEBUG off, as tests run.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())

#: ``positive_data_acceptance`` judges business rules, not the schema: a well-formed review
#: of item 0 is rightly a 400 (no such item). ``ignored_auth`` expects its own made-up
#: credentials to be refused, but every case here carries a real token;
#: tests/reliability/test_access.py checks who may do what instead.
NOT_CHECKED = [positive_data_acceptance, ignored_auth]


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Keep the request signals from closing the test's connection (and its transaction),
    as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(toy_model, user, other_user, item, make_item, write_review) -> str:
    """Alice's token, on a site with two items, a review by Bob and a working model."""
    write_review(other_user, item, "Bob's words.")
    make_item("Second")
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case, token):
    cache.clear()  # the site's throttles would answer 429 after a hundred cases
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, excluded_checks=NOT_CHECKED)
