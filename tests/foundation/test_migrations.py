"""Migrations are complete: the models and the migration files agree."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "sentirec", "--check", "--dry-run", verbosity=0)
