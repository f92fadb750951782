"""Who to follow: a few people worth following, for newcomers and quiet feeds.

The pool is bounded: friends of friends when the viewer follows people, topped up with
the people who rated the best items, so it stays useful after the first follows.
``scoring.who_to_follow`` ranks it; this module fetches the pool (with names) and its
activity and agreement in a few queries, and words the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count

from sentirec.feeds.candidates import NO_OVERLAP, Overlap, overlaps, username_field
from sentirec.models import Follow, Rating
from sentirec.recommend.scoring import FollowSuggestion, who_to_follow
from sentirec.services.people import display_names

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
    display_name: str = ""


def _friends_of_friends(viewer_id: int) -> dict[int, tuple[str, int]]:
    """Accounts followed by the people the viewer follows -> (username, how many of them)."""
    mine = Follow.objects.filter(follower_id=viewer_id).values("followee_id")
    rows = (
        Follow.objects.filter(follower_id__in=mine, followee__is_active=True)
        .exclude(followee_id__in=mine)
        .exclude(followee_id=viewer_id)
        .values("followee_id", f"followee__{username_field()}")
        .annotate(n=Count("pk"))
        .order_by("-n", "followee_id")
        .values_list("followee_id", f"followee__{username_field()}", "n")[:POOL]
    )
    return {pk: (name, n) for pk, name, n in rows}


def _raters(viewer_id: int | None, item_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
    """People who rated the best items (most of them first): a pool with no social ties."""
    rows = Rating.objects.filter(item_id__in=list(item_ids[:TOP_ITEMS]), user__is_active=True)
    if viewer_id is not None:
        mine = Follow.objects.filter(follower_id=viewer_id).values("followee_id")
        rows = rows.exclude(user_id=viewer_id).exclude(user_id__in=mine)
    ranked = (
        rows.values("user_id", f"user__{username_field()}")
        .annotate(n=Count("pk"))
        .order_by("-n", "user_id")
        .values_list("user_id", f"user__{username_field()}")[:POOL]
    )
    return {pk: (name, 0) for pk, name in ranked}


def _reason(suggestion: FollowSuggestion, fof: int, overlap: Overlap) -> str:
    parts = suggestion.components
    best = max(parts, key=lambda name: parts[name]) if parts else "activity"
    if best == "friends_of_friends" and fof:
        return f"Followed by {fof} {'person' if fof == 1 else 'people'} you follow"
    if best == "agreement" and overlap.shared:
        return f"Agrees with you on {overlap.shared} item{'s' if overlap.shared != 1 else ''}"
    return f"Active reviewer: {overlap.ratings} rating{'s' if overlap.ratings != 1 else ''}"


def suggest(viewer_id: int | None, top_item_ids: Sequence[int], limit: int) -> list[Suggestion]:
    """Up to ``limit`` accounts for the viewer (or for a visitor) to follow, best first:
    friends of friends before the people who rated the best items."""
    if limit <= 0:
        return []
    pool = _friends_of_friends(viewer_id) if viewer_id is not None else {}
    if len(pool) < POOL:  # a few friends of friends, topped up so the list stays useful
        raters = [(pk, v) for pk, v in _raters(viewer_id, top_item_ids).items() if pk not in pool]
        pool |= dict(raters[: POOL - len(pool)])
    if not pool:
        return []
    ids = list(pool)
    overlap = overlaps(viewer_id, ids, count_ratings=True)
    facts = [overlap.get(pk, NO_OVERLAP) for pk in ids]
    ranked = who_to_follow(
        ids,
        [pool[pk][1] for pk in ids],
        [o.ratings for o in facts],
        [o.agreement for o in facts],
        [o.shared for o in facts],
    )
    # Friends of friends first (the ranking within each group is kept), then the top-up.
    ranked = sorted(ranked, key=lambda s: pool[s.user_id][1] == 0)[:limit]
    names = display_names(s.user_id for s in ranked)
    return [
        Suggestion(
            s.user_id,
            pool[s.user_id][0],
            s.score,
            _reason(s, pool[s.user_id][1], overlap.get(s.user_id, NO_OVERLAP)),
            names.get(s.user_id, pool[s.user_id][0]),
        )
        for s in ranked
    ]
