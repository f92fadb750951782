"""The feed: the one function the pages, the API and the admin preview call.

``feed(user, page)`` turns a bounded set of candidates (followees' recent opinions, the
best items by quality, the learned model's top predictions) into a ranked, explained
page with ``sentirec.recommend.scoring``. It runs a fixed handful of indexed queries whatever the
number of people followed, and never trains anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.utils import timezone

from sentirec.conf import settings
from sentirec.feeds import candidates, serving, suggestions
from sentirec.feeds.cache import PageCache
from sentirec.feeds.candidates import NO_OVERLAP, Followee, Hop, ItemFacts, OpinionRows
from sentirec.feeds.explain import excerpt, explanation, headline
from sentirec.feeds.page import Contributor, FeedEntry, FeedPage, QuietFollowee
from sentirec.feeds.suggestions import Suggestion, named
from sentirec.recommend.scoring import (
    BlendWeights,
    Candidate,
    Contribution,
    Opinion,
    RankedItem,
    SocialEvidence,
    Tie,
    rank,
    second_hop_ties,
    social_scores,
    tie_strength,
)
from sentirec.services.items import only_visible
from sentirec.services.people import display_names

__all__ = [
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "Contributor",
    "FeedEntry",
    "FeedPage",
    "QuietFollowee",
    "Suggestion",
    "feed",
    "page_number",
]

#: The largest page a caller may ask for (``FEED_PAGE_SIZE`` is checked against it too).
MAX_PAGE_SIZE = 100
#: The last page served (later ones show it): nobody scrolls that far, and it bounds work.
MAX_PAGE = 100
#: Contributors listed per entry (the explanation still counts all of them).
MAX_CONTRIBUTORS = 5
SECONDS_PER_DAY = 86400.0


def page_number(raw: str | None) -> int:
    """A page's ``page`` query value as 1..MAX_PAGE; anything else is page 1."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= 3:
        return min(max(int(raw), 1), MAX_PAGE)
    return 1


def viewer_id_of(user) -> int | None:
    """The user's id, or None for a visitor (None or AnonymousUser)."""
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def feed(user=None, page: int = 1, page_size: int | None = None) -> FeedPage:
    """The ``page``-th page (from 1) of ``user``'s feed; visitors get the top items.

    Served from the cache when nothing it depends on changed (see ``feeds.cache``).
    """
    size = settings.FEED_PAGE_SIZE if page_size is None else page_size
    if not isinstance(page, int) or page < 1:
        raise ValueError(f"page must be an integer >= 1, not {page!r}")
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be an integer from 1 to {MAX_PAGE_SIZE}, not {size!r}")
    viewer_id = viewer_id_of(user)
    served = serving.active()
    cached = PageCache(viewer_id, page, size, served.version if served else "")
    hit = cached.get()
    if hit is not None:
        return hit
    shown = candidates.every_item  # no rule: every item (and the compiled queries)
    if settings.ITEM_VISIBILITY:
        shown = partial(only_visible, user=user or AnonymousUser())
    result = build_page(viewer_id, page, size, served, watch=cached.watch, shown=shown)
    cached.put(result)
    return result


def blend_weights() -> BlendWeights:
    """``FEED_WEIGHTS`` (missing keys take their defaults) plus the per-followee cap."""
    return BlendWeights(**settings.FEED_WEIGHTS, max_per_followee=settings.FEED_MAX_PER_FOLLOWEE)


def build_page(
    viewer_id: int | None,
    page: int,
    size: int,
    served: serving.Served | None = None,
    watch: Callable[[list[int]], None] = lambda ids: None,
    shown: candidates.Shown = candidates.every_item,
) -> FeedPage:
    """Build a page from the database and, when ``served``, the learned model's factors.

    At most ``FEED_CANDIDATE_LIMIT`` items are ranked: up to half from followees' recent
    opinions, a quarter from the model's top predictions, the rest the best by quality.
    The set does not depend on ``page``, so consecutive pages never overlap. ``watch``
    is told whose opinions the page reads, before they are read (the cache keys the page
    on their versions). ``shown`` narrows the candidates to the items the viewer may see
    (``SENTIREC["ITEM_VISIBILITY"]``)."""
    limit = settings.FEED_CANDIDATE_LIMIT
    first = page == 1
    follows = candidates.followees(viewer_id) if viewer_id is not None else []
    people = suggestions.NO_POOL
    if first and settings.FEED_SUGGESTIONS > 0:
        people = suggestions.pool(viewer_id, [f.user_id for f in follows])
    hops = []
    if follows and settings.FEED_SECOND_HOP:
        hops = candidates.second_hop(viewer_id, limit)
    names = {f.user_id: f.username for f in follows} | {h.user_id: h.username for h in hops}
    watch(list(names))
    rows = OpinionRows([], {}, {})
    social: dict[int, SocialEvidence] = {}
    if names:
        authors = _most_active([*follows, *hops], limit // 2)
        rows = candidates.recent_opinions(viewer_id, authors, limit // 2, shown)
    # Agreement with the followees (their ties) and with page 1's people to suggest: one query.
    tied = [f.user_id for f in follows] if rows.opinions else []
    overlap = candidates.overlaps(viewer_id, [*tied, *people.people], counted=people.uncounted)
    if rows.opinions:
        social = social_scores(_ties(follows, hops, overlap, viewer_id), rows.opinions)
    personal = served is not None and viewer_id is not None and served.knows(viewer_id)
    predicted = served.top_items(viewer_id, limit // 4) if personal else []
    quality = candidates.top_quality(viewer_id, limit - len(social) - len(predicted), shown)
    facts = rows.facts | {f.item_id: f for f in quality}
    facts |= candidates.item_facts(viewer_id, set(predicted) - set(facts), shown)
    pool = list(facts.keys() | social.keys())
    model = served.unit_scores(viewer_id, pool) if personal else {}
    start = (page - 1) * size
    # One item past the page says whether there is a next one; ranking stops there.
    ranked = rank(_candidates(pool, facts, model), social, blend_weights(), limit=start + size + 1)
    chosen = ranked[start : start + size]
    who = suggestions.suggest(people, overlap, settings.FEED_SUGGESTIONS)
    # Everyone the page names, quoted or suggested, in one query.
    display = display_names(
        {c.user_id for r in chosen for c in r.explanation.contributors[:MAX_CONTRIBUTORS]}
        | {s.user_id for s in who if not s.display_name}
    )
    return FeedPage(
        user_id=viewer_id,
        page=page,
        page_size=size,
        entries=_entries(chosen, rows, names, display),
        has_next=len(ranked) > start + size,
        cold_start=not social,
        who_to_follow=named(who, display),
        quiet=_quiet(viewer_id, follows, rows.opinions) if first and follows else [],
    )


def _quiet(
    viewer_id: int, follows: Sequence[Followee], read: Sequence[Opinion]
) -> list[QuietFollowee]:
    """The followees with no opinion the viewer has not seen, so the page can say why
    they are missing from it. Those whose opinions the page already read have news, and
    those never active (no last activity) have said nothing yet; only the others are
    looked up (one query, none when there are no others)."""
    spoke = {o.user_id for o in read}
    silent = [f for f in follows if f.user_id not in spoke]
    never = {f.user_id for f in silent if f.last_active is None}
    seen_all = candidates.without_news(
        viewer_id, [f.user_id for f in silent if f.user_id not in never]
    )
    return [
        QuietFollowee(f.user_id, f.username, "nothing_yet" if f.user_id in never else "seen_all")
        for f in sorted(silent, key=lambda f: f.username)
        if f.user_id in never or f.user_id in seen_all
    ]


def _most_active(people: Sequence[Followee | Hop], n: int) -> list[int]:
    """The ``n`` most recently active authors: the ``n`` most recent opinions can only
    come from them, so reading fewer people's opinions loses none."""
    newest_first = sorted(
        people,
        key=lambda p: p.last_active.timestamp() if p.last_active else float("-inf"),
        reverse=True,
    )
    return list(dict.fromkeys(p.user_id for p in newest_first))[:n]


def _ties(
    follows: Sequence[Followee],
    hops: Sequence[Hop],
    overlap: dict[int, candidates.Overlap],
    viewer_id: int,
) -> dict[int, Tie]:
    """Tie strengths: follow, reciprocity, agreement on co-rated items, inactivity decay
    (measured against the most recently active followee, so an imported historic site
    is not all decayed to nothing), and friends of friends through their best path."""
    ids = [f.user_id for f in follows]
    reference = max((f.last_active for f in follows if f.last_active), default=None)
    days = [
        (reference - f.last_active).total_seconds() / SECONDS_PER_DAY if f.last_active else 0.0
        for f in follows
    ]
    strengths = np.atleast_1d(
        tie_strength(
            reciprocal=[f.reciprocal for f in follows],
            agreement=[overlap.get(uid, NO_OVERLAP).agreement for uid in ids],
            n_shared=[overlap.get(uid, NO_OVERLAP).shared for uid in ids],
            days_inactive=days,
        )
    )
    direct = {uid: float(s) for uid, s in zip(ids, strengths, strict=True)}
    their: dict[int, dict[int, float]] = defaultdict(dict)
    for hop in hops:
        their[hop.via][hop.user_id] = tie_strength()
    return second_hop_ties(direct, their, viewer_id)


def _candidates(
    pool: list[int], facts: dict[int, ItemFacts], model: dict[int, float]
) -> list[Candidate]:
    """Social items may have no stats row yet (stats refresh after commit): quality 0."""
    now = timezone.now()
    result = []
    for item_id in pool:
        known = facts.get(item_id)
        last = known.last_activity if known else None
        result.append(
            Candidate(
                item_id,
                quality=known.quality if known else 0.0,
                model_score=model.get(item_id),
                age_days=(now - last).total_seconds() / SECONDS_PER_DAY if last else None,
            )
        )
    return result


def _stats(item: Model):
    try:
        return item.sentirec_stats
    except ObjectDoesNotExist:
        return None


def _entries(
    chosen: Sequence[RankedItem],
    rows: OpinionRows,
    names: dict[int, str],
    display: dict[int, str],
) -> list[FeedEntry]:
    items = candidates.items_with_stats(r.item_id for r in chosen)
    shown = {r.item_id: r.explanation.contributors[:MAX_CONTRIBUTORS] for r in chosen}
    quoted = {
        (c.user_id, item_id): rows.review_ids.get((c.user_id, item_id))
        for item_id, contributions in shown.items()
        for c in contributions
    }
    texts = candidates.review_texts(rid for rid in quoted.values() if rid is not None)
    opinions = {(o.user_id, o.item_id): o for o in rows.opinions}
    entries = []
    for ranked in chosen:
        item = items.get(ranked.item_id)
        if item is None:  # deleted since the candidates were read
            continue
        people = [
            _contributor(
                c,
                quoted[(c.user_id, ranked.item_id)],
                texts,
                names,
                display,
                opinions.get((c.user_id, ranked.item_id)),
            )
            for c in shown[ranked.item_id]
        ]
        stats = _stats(item)
        leader = ranked.explanation.contributors[0].label if people else None
        agreeing = sum(c.label == leader for c in ranked.explanation.contributors)
        entries.append(
            FeedEntry(
                item=item,
                score=float(ranked.score),
                components={k: float(v) for k, v in ranked.components.items()},
                reason=ranked.explanation.reason,
                contributors=people,
                explanation=explanation(ranked.explanation.reason, people, agreeing, stats),
                headline=headline(ranked.explanation.reason, people, agreeing, stats),
            )
        )
    return entries


def _contributor(
    c: Contribution,
    review_id: int | None,
    texts: dict[int, str],
    names: dict[int, str],
    display: dict[int, str],
    opinion: Opinion | None,
) -> Contributor:
    text = texts.get(review_id, "") if review_id is not None else ""
    return Contributor(
        user_id=c.user_id,
        username=names.get(c.user_id, ""),
        opinion=float(c.opinion),
        label=c.label,
        highlights=list(c.highlights),
        excerpt=excerpt(text, c.highlights) if text else "",
        review_id=review_id,
        via_username=names.get(c.via) if c.via is not None else None,
        display_name=display.get(c.user_id, names.get(c.user_id, "")),
        stars=opinion.stars if opinion else None,
        date=opinion.updated_at if opinion else None,
    )
