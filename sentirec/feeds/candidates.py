"""Bounded candidate generation: the handful of indexed queries behind one feed page.

Each function is one query (two for opinions), capped by the viewer's own follows or by
``SENTIREC["FEED_CANDIDATE_LIMIT"]``: nothing here reads all items, all ratings or all
follows. Items the viewer already rated or reviewed are excluded inside the SQL, so the
caps count only items the feed can show. The numbers go to the pure
``sentirec.recommend.scoring`` functions; this module only fetches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Avg, Count, Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Abs, JSONObject

from sentirec.conf import item_model
from sentirec.feeds import compiled
from sentirec.models import Follow, ItemStats, Rating, Review, SentimentStatus
from sentirec.recommend.scoring import STAR_MAX, STAR_MIN, Opinion


@dataclass(frozen=True)
class Followee:
    """Someone the viewer follows, with what tie strength needs."""

    user_id: int
    username: str
    reciprocal: bool
    last_active: datetime | None


@dataclass(frozen=True)
class ItemFacts:
    """What the ranking needs about an item besides opinions (from ``ItemStats``)."""

    item_id: int
    quality: float
    last_activity: datetime | None


@dataclass(frozen=True)
class OpinionRows:
    """Recent opinions, the review behind each (user, item) that has one, and the stats
    of their items (quality 0 for an item whose stats are not computed yet)."""

    opinions: list[Opinion]
    review_ids: dict[tuple[int, int], int]
    facts: dict[int, ItemFacts]


def username_field() -> str:
    return get_user_model().USERNAME_FIELD


#: Narrows rows (ratings, reviews, item stats) to those whose item the viewer may see:
#: ``sentirec.services.items.only_visible`` for the viewer; by default, every item.
Shown = Callable[[QuerySet], QuerySet]


def every_item(rows: QuerySet) -> QuerySet:
    return rows


def _fetch(
    key: str, build: Callable[..., QuerySet], shown: Shown, *, fixed: dict | None = None, **params
) -> list[tuple]:
    """``build(shown=shown, ...)``'s rows: compiled once per process when every item is
    shown (``sentirec.feeds.compiled``), otherwise through the ORM (a visibility rule's
    SQL may change from one call to the next)."""
    if shown is every_item:
        return compiled.rows(key, partial(build, shown=every_item), fixed=fixed, **params)
    return list(build(shown=shown, **(fixed or {}), **params))


def unseen(queryset: QuerySet, viewer_id: int | None, shown: Shown = every_item) -> QuerySet:
    """``queryset`` without the items the viewer rated or reviewed (two anti-joins), and
    with only the items the viewer may see."""
    queryset = shown(queryset)
    if viewer_id is None:
        return queryset
    rated = Rating.objects.filter(user_id=viewer_id).values("item_id")
    reviewed = Review.objects.filter(user_id=viewer_id).values("item_id")
    return queryset.exclude(item_id__in=rated).exclude(item_id__in=reviewed)


def _latest(*moments: datetime | None) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


def _last_activity(user: str) -> dict[str, Subquery]:
    """Annotations: when the user in column ``user`` last rated and last reviewed."""
    rated = Rating.objects.filter(user_id=OuterRef(user)).order_by("-updated").values("updated")
    reviewed = Review.objects.filter(user_id=OuterRef(user)).order_by("-created")
    return {
        "last_rated": Subquery(rated[:1]),
        "last_reviewed": Subquery(reviewed.values("created")[:1]),
    }


def followees(viewer_id: int) -> list[Followee]:
    """Everyone the viewer follows, with reciprocity and last activity: one query, each
    annotation an index lookup per follow."""
    rows = compiled.rows("followees", _followees, viewer=viewer_id)
    return [Followee(uid, name, rec, _latest(a, b)) for uid, name, rec, a, b in rows]


def _followees(viewer: int) -> QuerySet:
    their = OuterRef("followee_id")
    return (
        Follow.objects.filter(follower_id=viewer)
        .annotate(
            username=F(f"followee__{username_field()}"),
            reciprocal=Exists(Follow.objects.filter(follower_id=their, followee_id=viewer)),
            **_last_activity("followee_id"),
        )
        .values_list("followee_id", "username", "reciprocal", "last_rated", "last_reviewed")
    )


@dataclass(frozen=True)
class Hop:
    """Someone a followee (``via``) follows: a friend of a friend."""

    via: int
    user_id: int
    username: str
    last_active: datetime | None


def second_hop(viewer_id: int, limit: int) -> list[Hop]:
    """Follows one step past the viewer's, most recent first and at most ``limit``, with
    the last activity of whom they reach; the viewer and people she follows are left out."""
    rows = compiled.rows("second_hop", _second_hop, fixed={"limit": limit}, viewer=viewer_id)
    return [Hop(via, uid, name, _latest(a, b)) for via, uid, name, a, b in rows]


def _second_hop(viewer: int, limit: int) -> QuerySet:
    mine = Follow.objects.filter(follower_id=viewer).values("followee_id")
    return (
        Follow.objects.filter(follower_id__in=mine)
        .exclude(followee_id__in=mine)
        .exclude(followee_id=viewer)
        .order_by("-created", "-id")
        .annotate(**_last_activity("followee_id"))
        .values_list(
            "follower_id",
            "followee_id",
            f"followee__{username_field()}",
            "last_rated",
            "last_reviewed",
        )[:limit]
    )


@dataclass(frozen=True)
class Overlap:
    """How another user's ratings relate to the viewer's: agreement in [-1, 1] on the
    ``shared`` items both rated (0 when none), and how many items they rated in all
    (0 when not counted)."""

    agreement: float
    shared: int
    ratings: int


NO_OVERLAP = Overlap(0.0, 0, 0)


def overlaps(
    viewer_id: int | None, user_ids: Iterable[int], *, counted: Collection[int] = ()
) -> dict[int, Overlap]:
    """Per user, their agreement with the viewer from stars on co-rated items, and for the
    ``counted`` users their number of ratings: one grouped query (none for a visitor with
    nobody to count).

    Only the co-rated rows are read (a semi-join on the viewer's items), and all the rows
    of the ``counted`` users, so keep those few. The viewer's stars come by unique-index
    lookup, for co-rated rows only. Agreement is ``1 - mean |a - b|`` on the [-1, 1]
    scale, as ``scoring.opinion_agreement``.
    """
    counted = set(counted)
    if viewer_id is None:
        if not counted:
            return {}
        grouped = (
            Rating.objects.filter(user_id__in=list(counted))
            .values("user_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {uid: Overlap(0.0, 0, n) for uid, n in grouped.values_list("user_id", "n")}
    grouped = compiled.rows(
        "overlaps", _overlaps, viewer=viewer_id, users=list(user_ids), counted=list(counted) or None
    )
    unit = 2.0 / (STAR_MAX - STAR_MIN)
    return {
        uid: Overlap(1.0 - float(gap) * unit if shared else 0.0, shared, n if uid in counted else 0)
        for uid, n, shared, gap in grouped
    }


def _overlaps(viewer: int, users: list[int], counted: list[int] | None) -> QuerySet:
    mine = Rating.objects.filter(user_id=viewer)
    shared = Q(item_id__in=mine.values("item_id"))
    rows = Rating.objects.filter(user_id__in=users).order_by()
    rows = rows.filter(shared | Q(user_id__in=counted)) if counted else rows.filter(shared)
    hers = Subquery(mine.filter(item_id=OuterRef("item_id")).values("stars")[:1])
    return (
        rows.values("user_id")
        .annotate(
            n=Count("pk"),
            shared=Count("pk", filter=shared),
            gap=Avg(Abs(F("stars") - hers), filter=shared),
        )
        .values_list("user_id", "n", "shared", "gap")
    )


def _review_opinion(
    user_id: int, item_id: int, stars, updated: datetime, status: str, score, confidence, words
) -> Opinion:
    scored = status == SentimentStatus.SCORED
    return Opinion(
        user_id=user_id,
        item_id=item_id,
        stars=None if stars is None else float(stars),
        sentiment=score if scored else None,
        confidence=confidence if scored else None,
        highlights=tuple(words or ()) if scored else (),
        updated_at=updated,
    )


def _with_stats(queryset: QuerySet) -> QuerySet:
    """Annotate each row with its item's quality and last activity (primary-key lookups),
    so opinion candidates need no second query for their stats."""
    stats = ItemStats.objects.filter(item_id=OuterRef("item_id"))
    return queryset.annotate(
        quality=Subquery(stats.values("weighted_score")[:1]),
        last_activity=Subquery(stats.values("last_activity")[:1]),
    )


def recent_opinions(
    viewer_id: int, author_ids: Sequence[int], limit: int, shown: Shown = every_item
) -> OpinionRows:
    """The authors' most recent opinions on items the viewer has not seen, at most ``limit``,
    with those items' stats.

    The authors' newest ratings (each with its review, if any, fetched by a unique-index
    lookup) and their newest reviews written without stars, which have no rating row: one
    query (``UNION ALL`` of the two, each limited before its per-row lookups run) where the
    database allows a limit inside a union (PostgreSQL, MySQL), else two.
    """
    if not author_ids:
        return OpinionRows([], {}, {})
    if connections[router.db_for_read(Rating)].features.supports_slicing_ordering_in_compound:
        newest = _fetch(
            "recent_opinions",
            _newest_opinions,
            shown,
            fixed={"limit": limit},
            viewer=viewer_id,
            authors=list(author_ids),
        )
    else:
        rated, starless = _opinion_queries(viewer_id, list(author_ids), limit, shown)
        newest = sorted([*rated, *starless], key=lambda row: row[3], reverse=True)[:limit]
    opinions: list[Opinion] = []
    review_ids: dict[tuple[int, int], int] = {}
    facts: dict[int, ItemFacts] = {}
    for user_id, item_id, stars, updated, data, quality, last in newest:
        facts[item_id] = ItemFacts(item_id, quality or 0.0, last)
        if data is None:
            opinions.append(Opinion(user_id, item_id, float(stars), updated_at=updated))
            continue
        data = json.loads(data) if isinstance(data, str) else data
        opinions.append(
            _review_opinion(
                user_id,
                item_id,
                stars,
                updated,
                data["status"],
                data["score"],
                data["confidence"],
                _json_list(data["highlights"]),
            )
        )
        review_ids[(user_id, item_id)] = data["id"]
    return OpinionRows(opinions, review_ids, facts)


def _opinion_queries(
    viewer: int, authors: list[int], limit: int, shown: Shown
) -> tuple[QuerySet, QuerySet]:
    """The authors' newest ratings (with their review) and newest star-less reviews, each
    at most ``limit``, as the same columns."""
    review = Review.objects.filter(
        user_id=OuterRef("user_id"), item_id=OuterRef("item_id")
    ).order_by()
    review_json = JSONObject(
        id="id",
        status="sentiment_status",
        score="sentiment_score",
        confidence="sentiment_confidence",
        highlights="sentiment_highlights",
    )
    columns = ("user_id", "item_id", "stars", "updated", "review", "quality", "last_activity")
    rated = (
        _with_stats(unseen(Rating.objects.filter(user_id__in=authors), viewer, shown))
        .annotate(review=Subquery(review.values(data=review_json)[:1]))
        .order_by("-updated", "-id")
        .values_list(*columns)[:limit]
    )
    starless = (
        _with_stats(
            unseen(Review.objects.filter(user_id__in=authors, stars__isnull=True), viewer, shown)
        )
        .annotate(review=review_json)
        .order_by("-updated", "-id")
        .values_list(*columns)[:limit]
    )
    return rated, starless


def _newest_opinions(viewer: int, authors: list[int], limit: int, shown: Shown) -> QuerySet:
    """Both of :func:`_opinion_queries` in one ``UNION ALL``, newest first."""
    rated, starless = _opinion_queries(viewer, authors, limit, shown)
    return rated.union(starless, all=True).order_by("-updated")[:limit]


def _json_list(value) -> list:
    """A JSON array nested in a JSON object comes back as text on SQLite."""
    return json.loads(value) if isinstance(value, str) else value or []


def _facts(rows) -> list[ItemFacts]:
    return [ItemFacts(item_id, quality, last) for item_id, quality, last in rows]


def top_quality(viewer_id: int | None, limit: int, shown: Shown = every_item) -> list[ItemFacts]:
    """The best items by Bayesian quality the viewer has not seen (walks the index)."""
    if limit <= 0:
        return []
    return _facts(
        _fetch("top_quality", _top_quality, shown, fixed={"limit": limit}, viewer=viewer_id)
    )


def _top_quality(viewer: int | None, limit: int, shown: Shown) -> QuerySet:
    return (
        unseen(ItemStats.objects.all(), viewer, shown)
        .order_by("-weighted_score", "item_id")
        .values_list("item_id", "weighted_score", "last_activity")[:limit]
    )


def item_facts(
    viewer_id: int | None, item_ids: Iterable[int], shown: Shown = every_item
) -> dict[int, ItemFacts]:
    """Stats of these items, leaving out any the viewer has seen or may not see."""
    ids = list(item_ids)
    if not ids:
        return {}
    rows = _fetch("item_facts", _item_facts, shown, viewer=viewer_id, items=ids)
    return {facts.item_id: facts for facts in _facts(rows)}


def _item_facts(viewer: int | None, items: list, shown: Shown) -> QuerySet:
    return unseen(ItemStats.objects.filter(item_id__in=items), viewer, shown).values_list(
        "item_id", "weighted_score", "last_activity"
    )


def items_with_stats(item_ids: Iterable[int]) -> dict[int, Model]:
    """The page's item instances with ``sentirec_stats`` joined in (one query)."""
    ids = list(item_ids)
    if not ids:
        return {}
    return {
        item.pk: item
        for item in item_model()
        ._default_manager.filter(pk__in=ids)
        .select_related("sentirec_stats")
        .order_by()
    }


def review_texts(review_ids: Iterable[int]) -> dict[int, str]:
    """The text of the reviews quoted on the page (one query, a page's worth of rows)."""
    ids = list(review_ids)
    if not ids:
        return {}
    return dict(Review.objects.filter(pk__in=ids).order_by().values_list("pk", "text"))


def without_news(viewer_id: int, author_ids: Sequence[int]) -> set[int]:
    """The authors with no opinion on an item the viewer has not seen (one query, two
    index probes per author)."""
    if not author_ids:
        return set()
    rows = compiled.rows("without_news", _without_news, viewer=viewer_id, authors=list(author_ids))
    return {pk for (pk,) in rows}


def _without_news(viewer: int, authors: list[int]) -> QuerySet:
    theirs = {"user_id": OuterRef("pk")}
    return (
        get_user_model()
        ._default_manager.filter(pk__in=authors)
        .annotate(
            new_rating=Exists(unseen(Rating.objects.filter(**theirs), viewer)),
            new_review=Exists(unseen(Review.objects.filter(**theirs), viewer)),
        )
        .filter(new_rating=False, new_review=False)
        .values_list("pk")
    )
