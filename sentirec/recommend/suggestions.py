"""Who to follow: a few people worth following, for newcomers and quiet feeds.

The pool is bounded: friends of friends when the viewer follows people, otherwise the
people who rated the best items. ``scoring.who_to_follow`` ranks it; this module fetches
the pool in at most three queries and words the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Subquery

from sentirec.models import Follow, Rating
from sentirec.recommend.candidates import agreements, username_field
from sentirec.recommend.scoring import FollowSuggestion, who_to_follow

#: People considered before ranking.
POOL = 50
#: How many of the best items' raters form the pool of a viewer who follows nobody.
TOP_ITEMS = 20


@dataclass(frozen=True)
class Suggestion:
    """An account to follow, why, and its score (higher is better)."""

    user_id: int
    username: str
    score: float
    reason: str


def _friends_of_friends(viewer_id: int) -> dict[int, int]:
    """Accounts followed by the people the viewer follows -> how many of them follow it."""
    mine = Follow.objects.filter(follower_id=viewer_id).values("followee_id")
    rows = (
        Follow.objects.filter(follower_id__in=mine)
        .exclude(followee_id__in=mine)
        .exclude(followee_id=viewer_id)
        .values("followee_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "followee_id")
        .values_list("followee_id", "n")[:POOL]
    )
    return dict(rows)


def _raters(viewer_id: int | None, item_ids: Sequence[int]) -> dict[int, int]:
    """People who rated the best items (most of them first), as a pool with no social ties."""
    rows = Rating.objects.filter(item_id__in=list(item_ids[:TOP_ITEMS]))
    if viewer_id is not None:
        mine = Follow.objects.filter(follower_id=viewer_id).values("followee_id")
        rows = rows.exclude(user_id=viewer_id).exclude(user_id__in=mine)
    ranked = rows.values("user_id").annotate(n=Count("pk")).order_by("-n", "user_id")
    return {user_id: 0 for user_id, _ in ranked.values_list("user_id", "n")[:POOL]}


def _people(user_ids: Sequence[int]) -> list[tuple[int, str, int]]:
    """(id, username, number of ratings) of active accounts among ``user_ids``."""
    count = (
        Rating.objects.filter(user_id=OuterRef("pk"))
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        get_user_model()
        .objects.filter(pk__in=list(user_ids), is_active=True)
        .annotate(activity=Subquery(count))
        .values_list("pk", username_field(), "activity")
    )


def _reason(suggestion: FollowSuggestion, fof: int, activity: int, shared: int) -> str:
    parts = suggestion.components
    best = max(parts, key=lambda name: parts[name]) if parts else "activity"
    if best == "friends_of_friends" and fof:
        return f"Followed by {fof} {'person' if fof == 1 else 'people'} you follow"
    if best == "agreement" and shared:
        return f"Agrees with you on {shared} item{'s' if shared != 1 else ''}"
    return f"Active reviewer: {activity} rating{'s' if activity != 1 else ''}"


def suggest(viewer_id: int | None, top_item_ids: Sequence[int], limit: int) -> list[Suggestion]:
    """Up to ``limit`` accounts for the viewer (or for a visitor) to follow, best first."""
    if limit <= 0:
        return []
    pool = _friends_of_friends(viewer_id) if viewer_id is not None else {}
    if not pool:
        pool = _raters(viewer_id, top_item_ids)
    people = _people(list(pool))
    if not people:
        return []
    ids = [pk for pk, _, _ in people]
    agree = agreements(viewer_id, ids) if viewer_id is not None else {}
    activity = {pk: n or 0 for pk, _, n in people}
    ranked = who_to_follow(
        ids,
        [pool[pk] for pk in ids],
        [activity[pk] for pk in ids],
        [agree.get(pk, (0.0, 0))[0] for pk in ids],
        [agree.get(pk, (0.0, 0))[1] for pk in ids],
        limit=limit,
    )
    names = {pk: name for pk, name, _ in people}
    return [
        Suggestion(
            s.user_id,
            names[s.user_id],
            s.score,
            _reason(s, pool[s.user_id], activity[s.user_id], agree.get(s.user_id, (0, 0))[1]),
        )
        for s in ranked
    ]
