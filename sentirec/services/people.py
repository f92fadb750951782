"""People as the pages show them: a display name beside the username, and the directory.

A display name comes from the host's user model through what Django promises, not from
a field sentirec adds: ``get_full_name()`` when the model has it (Django's ``User`` and
anything built on ``AbstractUser``: first and last name), else ``str(user)`` (the username
unless the host's ``__str__`` says more), else the username. The demo fills first and
last names; a host with its own name field only needs ``get_full_name`` or ``__str__``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from sentirec.models import Follow

#: The name fields ``AbstractUser`` has, searched and read when the host's model has them.
NAME_FIELDS = ("first_name", "last_name")


def _name_fields() -> list[str]:
    model = get_user_model()
    present = {f.name for f in model._meta.get_fields()}
    return [name for name in NAME_FIELDS if name in present]


def display_name(user: AbstractBaseUser) -> str:
    """The name to show for ``user``: their full name when the model has one, else what the
    model says it is (``str``: ``AbstractBaseUser`` makes that the username unless the host
    overrides it), else the username."""
    full = getattr(user, "get_full_name", None)
    name = str(full() or "").strip() if callable(full) else ""
    return name or str(user).strip() or user.get_username()


def display_names(user_ids: Iterable[int]) -> dict[int, str]:
    """Display names of these users, by id, in one query."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {
        user.pk: display_name(user) for user in get_user_model()._default_manager.filter(pk__in=ids)
    }


def directory(query: str = "") -> QuerySet:
    """Active people, most followed first, matching ``query`` in the username or, when the
    model has them, the first or last name (case-insensitive)."""
    User = get_user_model()
    people = User._default_manager.all()
    if any(f.name == "is_active" for f in User._meta.get_fields()):
        people = people.filter(is_active=True)
    words = query.split()
    for word in words:
        match = Q(**{f"{User.USERNAME_FIELD}__icontains": word})
        for name in _name_fields():
            match |= Q(**{f"{name}__icontains": word})
        people = people.filter(match)
    followers = Count("sentirec_followers")
    return people.annotate(follower_count=followers).order_by(
        "-follower_count", User.USERNAME_FIELD
    )


def followed_by(viewer: AbstractBaseUser, people: Iterable[AbstractBaseUser]) -> set:
    """The primary keys, among ``people``, of those ``viewer`` follows (one query)."""
    if not viewer.is_authenticated:
        return set()
    ids = [person.pk for person in people]
    return set(
        Follow.objects.filter(follower=viewer, followee_id__in=ids).values_list(
            "followee_id", flat=True
        )
    )
