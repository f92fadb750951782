"""Who to follow: a few people worth following, for newcomers and quiet feeds.

The pool is bounded: friends of friends when the viewer follows people, topped up with
the people who rated the best items, so it stays useful after the first follows.
``scoring.who_to_follow`` ranks it; this module fetches the pool and its activity and
agreement, and words the reason.

The top-up is the same for every viewer (the most active raters of the best items a
visitor may see, with their names and numbers of ratings), so it is built once per
``FEED_CACHE_SECONDS`` for the whole site (:func:`site_raters`) instead of on every first
page. A page asks only for its friends of friends (:func:`pool`, one query); their
agreement with the viewer is read with the followees' (one query, by the feed), and their
display names with the page's other names (:func:`named`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, QuerySet

from sentirec.conf import settings
from sentirec.feeds import compiled
from sentirec.feeds.candidates import NO_OVERLAP, Overlap, overlaps, username_field
from sentirec.models import Follow, ItemStats, Rating
from sentirec.recommend.scoring import FollowSuggestion, who_to_follow
from sentirec.services.items import only_visible
from sentirec.services.people import display_names

#: People considered before ranking.
POOL = 50
#: How many of the best items' raters form the pool of a viewer who follows nobody.
TOP_ITEMS = 20
#: Raters kept site-wide: room for leaving out the viewer and the people they follow.
SITE_RATERS = 2 * POOL
RATERS_KEY = "sentirec:feed:site-raters"


@dataclass(frozen=True)
class Suggestion:
    """An account to follow, why, and its score (higher is better)."""

    user_id: int
    username: str
    score: float
    reason: str
    display_name: str = ""


@dataclass(frozen=True)
class Rater:
    """One of the most active raters of the site's best items."""

    user_id: int
    username: str
    display_name: str
    ratings: int


def site_raters() -> list[Rater]:
    """The most active raters of the best items a visitor may see, most of those items
    first: from the cache, else three queries, kept for ``FEED_CACHE_SECONDS`` (a rater's
    count of ratings may be that stale; nothing else depends on it)."""
    found = cache.get(RATERS_KEY)
    if found is None:
        found = _site_raters()
        if settings.FEED_CACHE_SECONDS:
            cache.set(RATERS_KEY, found, settings.FEED_CACHE_SECONDS)
    return found


def _site_raters() -> list[Rater]:
    best = (
        only_visible(ItemStats.objects.all(), AnonymousUser())
        .order_by("-weighted_score", "item_id")
        .values_list("item_id", flat=True)[:TOP_ITEMS]
    )
    ranked = list(
        Rating.objects.filter(item_id__in=list(best), user__is_active=True)
        .values("user_id", f"user__{username_field()}")
        .annotate(n=Count("pk"))
        .order_by("-n", "user_id")
        .values_list("user_id", f"user__{username_field()}")[:SITE_RATERS]
    )
    ids = [pk for pk, _ in ranked]
    counts = overlaps(None, ids, counted=ids)
    names = display_names(ids)
    return [
        Rater(pk, name, names.get(pk, name), counts.get(pk, NO_OVERLAP).ratings)
        for pk, name in ranked
    ]


def _friends_of_friends(viewer_id: int) -> dict[int, tuple[str, int]]:
    """Accounts followed by the people the viewer follows -> (username, how many of them)."""
    rows = compiled.rows(
        "friends_of_friends", _friends_query, fixed={"size": POOL}, viewer=viewer_id
    )
    return {pk: (name, n) for pk, name, n in rows}


def _friends_query(viewer: int, size: int) -> QuerySet:
    mine = Follow.objects.filter(follower_id=viewer).values("followee_id")
    return (
        Follow.objects.filter(follower_id__in=mine, followee__is_active=True)
        .exclude(followee_id__in=mine)
        .exclude(followee_id=viewer)
        .values("followee_id", f"followee__{username_field()}")
        .annotate(n=Count("pk"))
        .order_by("-n", "followee_id")
        .values_list("followee_id", f"followee__{username_field()}", "n")[:size]
    )


def _reason(suggestion: FollowSuggestion, fof: int, overlap: Overlap) -> str:
    parts = suggestion.components
    best = max(parts, key=lambda name: parts[name]) if parts else "activity"
    if best == "friends_of_friends" and fof:
        return f"Followed by {fof} {'person' if fof == 1 else 'people'} you follow"
    if best == "agreement" and overlap.shared:
        return f"Agrees with you on {overlap.shared} item{'s' if overlap.shared != 1 else ''}"
    return f"Active reviewer: {overlap.ratings} rating{'s' if overlap.ratings != 1 else ''}"


@dataclass(frozen=True)
class Pool:
    """The people considered: id -> (username, how many of the viewer's followees follow
    them), and the site raters among them (whose ratings are already counted)."""

    people: dict[int, tuple[str, int]]
    raters: dict[int, Rater]

    @property
    def uncounted(self) -> list[int]:
        """Those whose number of ratings must be counted for this viewer."""
        return [pk for pk in self.people if pk not in self.raters]


NO_POOL = Pool({}, {})


def pool(viewer_id: int | None, follows: Collection[int]) -> Pool:
    """Friends of friends when the viewer follows someone (one query), topped up with the
    site's most active raters (the cache) so the list stays useful after the first follows;
    ``follows`` are the ids the viewer follows, left out."""
    people = _friends_of_friends(viewer_id) if viewer_id is not None and follows else {}
    raters = {r.user_id: r for r in site_raters()}
    if len(people) < POOL:
        skip = {viewer_id, *follows, *people}
        top_up = [r for r in raters.values() if r.user_id not in skip][: POOL - len(people)]
        people |= {r.user_id: (r.username, 0) for r in top_up}
    return Pool(people, {pk: raters[pk] for pk in people if pk in raters})


def suggest(people: Pool, overlap: dict[int, Overlap], limit: int) -> list[Suggestion]:
    """Up to ``limit`` of the pool, best first: friends of friends before the site's
    raters. ``overlap`` holds each one's agreement with the viewer and, for
    ``people.uncounted``, their number of ratings (``candidates.overlaps``, which the feed
    runs once for the followees' ties and this pool together). A friend of a friend's
    ``display_name`` is empty: see :func:`named`."""
    if limit <= 0 or not people.people:
        return []
    pool, raters = people.people, people.raters
    ids = list(pool)
    facts = {
        pk: replace(overlap.get(pk, NO_OVERLAP), ratings=raters[pk].ratings)
        if pk in raters
        else overlap.get(pk, NO_OVERLAP)
        for pk in ids
    }
    ranked = who_to_follow(
        ids,
        [pool[pk][1] for pk in ids],
        [facts[pk].ratings for pk in ids],
        [facts[pk].agreement for pk in ids],
        [facts[pk].shared for pk in ids],
    )
    # Friends of friends first (the ranking within each group is kept), then the top-up.
    ranked = sorted(ranked, key=lambda s: pool[s.user_id][1] == 0)[:limit]
    return [
        Suggestion(
            s.user_id,
            pool[s.user_id][0],
            s.score,
            _reason(s, pool[s.user_id][1], facts[s.user_id]),
            raters[s.user_id].display_name if s.user_id in raters else "",
        )
        for s in ranked
    ]


def named(suggestions: list[Suggestion], display: dict[int, str]) -> list[Suggestion]:
    """The suggestions with the display names they lack taken from ``display`` (or their
    usernames)."""
    return [
        s if s.display_name else replace(s, display_name=display.get(s.user_id, s.username))
        for s in suggestions
    ]
