"""``sentirec.feeds.compiled``: a query compiled once answers every later call exactly
as the ORM would, and anything it cannot stand in for goes through the ORM."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from sentirec.feeds import compiled
from sentirec.models import Item, Rating
from tests.conftest import on_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def ratings():
    """Six users, each rating the first ``n + 1`` of five items with ``n + 1`` stars."""
    users = [get_user_model().objects.create_user(f"u{n}") for n in range(6)]
    items = [Item.objects.create(title=f"item {n}") for n in range(5)]
    for n, user in enumerate(users):
        for item in items[: n % 5 + 1]:
            Rating.objects.create(user=user, item=item, stars=Decimal(n % 5 + 1))
    return [u.pk for u in users], [i.pk for i in items]


def by_users(users: list[int], item: int, limit: int):
    return (
        Rating.objects.filter(user_id__in=users)
        .exclude(item_id=item)
        .order_by("user_id", "item_id")
        .values_list("user_id", "item_id", "stars")[:limit]
    )


def shapes(key: str) -> dict:
    return {shape: value for shape, value in compiled._shapes.items() if shape[0] == key}


def test_every_call_answers_as_the_orm_would(ratings):
    users, items = ratings
    for chosen, item in ((users[:1], items[4]), (users[1:4], items[1]), (users, items[2])):
        got = compiled.rows("test-every", by_users, fixed={"limit": 50}, users=chosen, item=item)
        assert got == list(by_users(chosen, item, 50))
        assert got  # the fixture's rows are there to be found
    compiled_shapes = shapes("test-every")
    assert len(compiled_shapes) == 3  # lists of 1, 3 and 6 pad to lengths 1, 4 and 8
    assert all((value is not None) == on_postgres() for value in compiled_shapes.values())


def test_lists_of_lengths_in_one_power_of_two_share_a_shape(ratings):
    users, items = ratings
    for chosen in (users[:3], users[:4], users[1:4]):
        got = compiled.rows(
            "test-share", by_users, fixed={"limit": 50}, users=chosen, item=items[0]
        )
        assert got == list(by_users(chosen, items[0], 50))
    assert len(shapes("test-share")) == 1


def test_a_value_the_orm_writes_into_the_sql_is_never_stood_in_for(ratings):
    users, items = ratings
    # ``limit`` passed as a parameter: the ORM writes it into the SQL as LIMIT 3.
    got = compiled.rows("test-inline", by_users, users=users, item=items[0], limit=3)
    assert got == list(by_users(users, items[0], 3))
    assert list(shapes("test-inline").values()) == [None]  # runs through the ORM


def test_keys_that_are_not_integers_and_empty_lists_run_the_orm(ratings):
    users, items = ratings
    got = compiled.rows("test-text", by_users, fixed={"limit": 9}, users=users, item=str(items[0]))
    assert got == list(by_users(users, items[0], 9))
    assert compiled.rows("test-text", by_users, fixed={"limit": 9}, users=[], item=items[0]) == []
    assert shapes("test-text") == {}


def test_padding_repeats_the_first_value_up_to_a_power_of_two():
    assert compiled.padded([7]) == [7]
    assert compiled.padded([1, 2, 3]) == [1, 2, 3, 1]
    assert compiled.padded(list(range(5))) == [0, 1, 2, 3, 4, 0, 0, 0]
