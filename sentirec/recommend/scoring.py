"""Pure feed scoring: opinions, item quality, tie strength, social score, blend, explanations.

Nothing here touches Django or the database. The feed code fetches a bounded set of rows
(the user's follows, the followees' recent opinions, item statistics, model predictions)
and hands them over as plain dataclasses and numbers; this module turns them into a ranked,
explained page. Every constant is a named parameter with a documented default, so a site
can tune the feed from its ``SENTIREC`` settings without touching code.

All opinions live on one common scale, [-1, 1]: -1 hated it, 0 indifferent, 1 loved it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import numpy as np

STAR_MIN = 0.5
"""Lowest star rating a site can store (half stars)."""
STAR_MAX = 5.0
"""Highest star rating."""


# --------------------------------------------------------------------------- opinions


@dataclass(frozen=True)
class Opinion:
    """What one user thinks of one item: stars, review sentiment, or both.

    ``sentiment`` is the review's score in [-1, 1] and ``confidence`` the classifier's
    confidence in [0, 1]; ``highlights`` are the words that drove the sentiment decision
    (shown in explanations). ``updated_at`` is when the user last rated or reviewed it.
    """

    user_id: int
    item_id: int
    stars: float | None = None
    sentiment: float | None = None
    confidence: float | None = None
    highlights: tuple[str, ...] = ()
    updated_at: datetime | None = None


@dataclass(frozen=True)
class OpinionParams:
    """How stars and review sentiment blend into one opinion value.

    sentiment_weight: share of the opinion given to a fully confident sentiment when the
        user gave stars too; the share actually used is ``sentiment_weight * confidence``,
        so an unsure classifier barely moves the stars.
    default_confidence: confidence assumed when a sentiment comes without one.
    star_min, star_max: the site's star scale, mapped linearly onto [-1, 1].
    """

    sentiment_weight: float = 0.5
    default_confidence: float = 1.0
    star_min: float = STAR_MIN
    star_max: float = STAR_MAX


def stars_to_unit(stars, star_min: float = STAR_MIN, star_max: float = STAR_MAX):
    """Map stars (scalar or array) linearly from [star_min, star_max] onto [-1, 1], clipped."""
    scaled = 2.0 * (np.asarray(stars, dtype=float) - star_min) / (star_max - star_min) - 1.0
    clipped = np.clip(scaled, -1.0, 1.0)
    return float(clipped) if clipped.ndim == 0 else clipped


def opinion_values(stars, sentiment, confidence=None, params: OpinionParams | None = None):
    """Vectorised opinion values in [-1, 1]; NaN marks a missing input (and a missing output).

    Stars alone when there is no sentiment, sentiment alone when there are no stars, and a
    blend weighted by ``sentiment_weight * confidence`` when there are both.
    """
    p = params or OpinionParams()
    stars = np.asarray(stars, dtype=float)
    sentiment = np.clip(np.asarray(sentiment, dtype=float), -1.0, 1.0)
    if confidence is None:
        confidence = np.full(np.broadcast(stars, sentiment).shape, p.default_confidence)
    confidence = np.asarray(confidence, dtype=float)
    confidence = np.clip(np.where(np.isnan(confidence), p.default_confidence, confidence), 0, 1)
    star_part = stars_to_unit(stars, p.star_min, p.star_max)
    share = p.sentiment_weight * confidence
    blended = (1.0 - share) * star_part + share * sentiment
    return np.where(np.isnan(sentiment), star_part, np.where(np.isnan(stars), sentiment, blended))


def opinion_value(opinion: Opinion, params: OpinionParams | None = None) -> float | None:
    """One opinion's value in [-1, 1], or None when it has neither stars nor sentiment."""
    return values_of([opinion], params)[0]


def values_of(opinions: Sequence[Opinion], params: OpinionParams | None = None) -> list:
    """:func:`opinion_value` of each opinion, in one vectorised call (a feed reads hundreds;
    numpy's per-call overhead on scalars cost more than the arithmetic)."""
    if not opinions:
        return []

    def column(name: str) -> list[float]:
        return [np.nan if (v := getattr(o, name)) is None else v for o in opinions]

    values = np.atleast_1d(
        opinion_values(column("stars"), column("sentiment"), column("confidence"), params)
    )
    return [None if math.isnan(v) else v for v in values.tolist()]


@dataclass(frozen=True)
class LabelThresholds:
    """Lower bounds of the words used to say how someone felt (value in [-1, 1])."""

    loved: float = 0.6
    liked: float = 0.2
    mixed: float = -0.2
    disliked: float = -0.6


def opinion_label(value: float, thresholds: LabelThresholds | None = None) -> str:
    """A word for an opinion value: loved, liked, mixed, disliked or hated."""
    t = thresholds or LabelThresholds()
    for label, bound in (("loved", t.loved), ("liked", t.liked), ("mixed", t.mixed)):
        if value >= bound:
            return label
    return "disliked" if value >= t.disliked else "hated"


# --------------------------------------------------------------------------- item quality

DEFAULT_PRIOR_STRENGTH = 10.0
"""Opinions' worth of the global mean mixed into every item's quality."""


def bayesian_quality(
    total, count, global_mean: float, prior_strength: float = DEFAULT_PRIOR_STRENGTH
):
    """Bayesian average: the item's opinion sum shrunk toward ``global_mean``.

    ``(total + prior_strength * global_mean) / (count + prior_strength)`` so one glowing
    review cannot beat a thousand good ones. Scalars or arrays.
    """
    result = (np.asarray(total, dtype=float) + prior_strength * global_mean) / (
        np.asarray(count, dtype=float) + prior_strength
    )
    return float(result) if result.ndim == 0 else result


def item_qualities(
    opinions: Iterable[Opinion],
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    params: OpinionParams | None = None,
) -> dict[int, float]:
    """Bayesian quality of every item that has at least one opinion, shrunk to their mean."""
    totals: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    opinions = list(opinions)
    for opinion, value in zip(opinions, values_of(opinions, params), strict=True):
        if value is not None:
            totals[opinion.item_id] += value
            counts[opinion.item_id] += 1
    if not counts:
        return {}
    global_mean = sum(totals.values()) / sum(counts.values())
    return {
        item: bayesian_quality(totals[item], counts[item], global_mean, prior_strength)
        for item in counts
    }


# --------------------------------------------------------------------------- ties


@dataclass(frozen=True)
class TieParams:
    """How strongly a user's feed listens to someone they follow.

    follow_weight: strength of a plain follow.
    reciprocity_bonus: added when the followee follows back.
    agreement_weight: how much agreement on co-rated items scales the tie; the factor is
        ``1 + agreement_weight * shrunk_agreement`` (floored at 0), agreement in [-1, 1].
    agreement_shrinkage: co-rated items at which the measured agreement counts half;
        agreement from two shared items says little.
    half_life_days: days of followee inactivity that halve the tie.
    second_hop_decay: factor on friends-of-friends ties (0 disables the second hop).
    """

    follow_weight: float = 1.0
    reciprocity_bonus: float = 0.5
    agreement_weight: float = 1.0
    agreement_shrinkage: float = 5.0
    half_life_days: float = 90.0
    second_hop_decay: float = 0.25


def opinion_agreement(values_a, values_b) -> tuple[float, int]:
    """Agreement of two users' opinion values on the items both rated (aligned arrays).

    Returns ``(1 - mean |a - b|, n_shared)``: 1 for identical opinions, -1 for opposite
    extremes, 0 when nothing is shared.
    """
    a = np.asarray(values_a, dtype=float)
    b = np.asarray(values_b, dtype=float)
    if a.size == 0:
        return 0.0, 0
    return float(1.0 - np.mean(np.abs(a - b))), int(a.size)


def tie_strength(
    reciprocal=False,
    agreement=0.0,
    n_shared=0,
    days_inactive=0.0,
    params: TieParams | None = None,
):
    """Strength (>= 0) of a follow: follow + reciprocity, scaled by shrunk agreement, decayed.

    Vectorised: every argument may be an array of the same length (one entry per followee).
    """
    p = params or TieParams()
    n_shared = np.asarray(n_shared, dtype=float)
    shrunk = np.asarray(agreement, dtype=float) * n_shared / (n_shared + p.agreement_shrinkage)
    base = p.follow_weight + p.reciprocity_bonus * np.asarray(reciprocal, dtype=float)
    factor = np.maximum(0.0, 1.0 + p.agreement_weight * shrunk)
    decay = 0.5 ** (np.maximum(np.asarray(days_inactive, dtype=float), 0.0) / p.half_life_days)
    result = base * factor * decay
    return float(result) if result.ndim == 0 else result


@dataclass(frozen=True)
class Tie:
    """A user the viewer listens to, with its strength; ``via`` is set for second-hop ties."""

    user_id: int
    strength: float
    via: int | None = None


def second_hop_ties(
    direct: Mapping[int, float],
    their_ties: Mapping[int, Mapping[int, float]],
    viewer_id: int,
    params: TieParams | None = None,
) -> dict[int, Tie]:
    """Direct ties plus friends-of-friends, each through its strongest path.

    ``direct`` maps followee -> strength; ``their_ties`` maps a followee -> (their followee ->
    strength). A second-hop tie is ``second_hop_decay * s(u, v) * s(v, w)`` through the best
    ``v``; a direct tie always wins over a second-hop one.
    """
    p = params or TieParams()
    ties = {user: Tie(user, strength) for user, strength in direct.items()}
    if p.second_hop_decay <= 0:
        return ties
    for middle, first in direct.items():
        for user, second in their_ties.get(middle, {}).items():
            if user == viewer_id or user in direct:
                continue
            strength = p.second_hop_decay * first * second
            if user not in ties or strength > ties[user].strength:
                ties[user] = Tie(user, strength, via=middle)
    return ties


# --------------------------------------------------------------------------- social score


@dataclass(frozen=True)
class Contribution:
    """One followee's part in an item's social score: who, how they felt, what they said."""

    user_id: int
    tie_strength: float
    opinion: float
    label: str
    highlights: tuple[str, ...] = ()
    via: int | None = None


@dataclass(frozen=True)
class SocialEvidence:
    """Tie-weighted opinion of an item among the people a user follows."""

    score: float
    contributors: tuple[Contribution, ...]


DEFAULT_SOCIAL_PRIOR = 1.0
"""Tie strength of an imaginary indifferent followee added to every item's social score."""


def social_scores(
    ties: Mapping[int, float | Tie],
    opinions: Iterable[Opinion],
    prior_strength: float = DEFAULT_SOCIAL_PRIOR,
    params: OpinionParams | None = None,
    thresholds: LabelThresholds | None = None,
) -> dict[int, SocialEvidence]:
    """Per item, the tie-weighted mean opinion of the user's ties, shrunk toward 0.

    ``score = sum(s_v * o_v) / (sum(s_v) + prior_strength)``: one lukewarm acquaintance
    barely counts, several close friends who loved it count a lot. Opinions by users not in
    ``ties`` are ignored. Contributors are ordered strongest contribution first.
    """
    strength_of = {u: t if isinstance(t, Tie) else Tie(u, float(t)) for u, t in ties.items()}
    by_item: dict[int, list[Contribution]] = defaultdict(list)
    opinions = [o for o in opinions if o.user_id in strength_of]
    for opinion, value in zip(opinions, values_of(opinions, params), strict=True):
        tie = strength_of[opinion.user_id]
        if value is None or tie.strength <= 0:
            continue
        by_item[opinion.item_id].append(
            Contribution(
                opinion.user_id,
                tie.strength,
                value,
                opinion_label(value, thresholds),
                tuple(opinion.highlights),
                tie.via,
            )
        )
    result = {}
    for item, contributions in by_item.items():
        weight = sum(c.tie_strength for c in contributions)
        score = sum(c.tie_strength * c.opinion for c in contributions) / (weight + prior_strength)
        ordered = sorted(contributions, key=lambda c: (-c.tie_strength * abs(c.opinion), c.user_id))
        result[item] = SocialEvidence(score, tuple(ordered))
    return result


# --------------------------------------------------------------------------- final rank


#: The weighted components of the final score, as ``FEED_WEIGHTS`` names them.
BLEND_COMPONENTS = ("social", "quality", "model", "freshness")


@dataclass(frozen=True)
class BlendWeights:
    """How the final score mixes its components, each on a comparable scale. The defaults
    are the defaults of the ``FEED_WEIGHTS`` and ``FEED_MAX_PER_FOLLOWEE`` settings
    (``sentirec.conf`` reads them from here).

    social: weight of the social score in [-1, 1].
    quality: weight of the item's Bayesian quality in [-1, 1].
    model: weight of the learned model's prediction (mapped to [-1, 1] by the caller).
    freshness: weight of ``0.5 ** (age_days / freshness_half_life_days)`` in [0, 1].
    max_per_followee: how many items led by the same followee rank on their own merits;
        each further run of that many costs one social weight (``cap_per_followee``),
        so one prolific friend cannot fill the feed.
    """

    social: float = 0.5
    quality: float = 0.25
    model: float = 0.2
    freshness: float = 0.05
    freshness_half_life_days: float = 14.0
    max_per_followee: int = 3

    def components(self) -> dict[str, float]:
        """The component weights by name, as ``FEED_WEIGHTS`` writes them."""
        return {name: getattr(self, name) for name in BLEND_COMPONENTS}


@dataclass(frozen=True)
class Candidate:
    """An item that may enter the feed, with the non-social facts the caller fetched."""

    item_id: int
    quality: float = 0.0
    model_score: float | None = None
    age_days: float | None = None


@dataclass(frozen=True)
class Explanation:
    """Why an item is in the feed: the dominant component and the followees behind it."""

    reason: str
    contributors: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class RankedItem:
    """A ranked feed entry: total score, each component's weighted part, explanation."""

    item_id: int
    score: float
    components: dict[str, float]
    explanation: Explanation


def _components(
    candidate: Candidate, evidence: SocialEvidence | None, weights: BlendWeights
) -> dict[str, float]:
    parts = {
        "social": weights.social * (evidence.score if evidence else 0.0),
        "quality": weights.quality * candidate.quality,
    }
    if candidate.model_score is not None:
        parts["model"] = weights.model * candidate.model_score
    if candidate.age_days is not None:
        age = max(candidate.age_days, 0.0)
        parts["freshness"] = weights.freshness * 0.5 ** (age / weights.freshness_half_life_days)
    return parts


class _Scored(NamedTuple):
    """A candidate's score and parts while ranking; the ``RankedItem`` with its explanation
    is built only for the items returned (a page ranks a few hundred to show twenty)."""

    score: float
    item_id: int
    parts: dict[str, float]
    evidence: SocialEvidence | None

    @property
    def leader(self) -> int | None:
        contributors = self.evidence.contributors if self.evidence else ()
        return contributors[0].user_id if contributors else None


def _best_first(scored: _Scored) -> tuple[float, int]:
    return -scored.score, scored.item_id


def cap_per_followee(items: Sequence[_Scored], cap: int, penalty: float) -> list[_Scored]:
    """Hold back one prolific followee before the order is fixed: of the items the same
    followee leads, best first, each run of ``cap`` past the first costs ``penalty`` (one
    full social weight) more, as a negative ``repeat`` component of the score.

    The penalty is part of the score, so the final order is by score alone and a later
    page never opens above an earlier one's last item."""
    seen: dict[int, int] = defaultdict(int)
    result = []
    for item in items:
        leader = item.leader
        if leader is None:
            result.append(item)
            continue
        blocks = seen[leader] // cap
        seen[leader] += 1
        if not blocks:
            result.append(item)
            continue
        parts = {**item.parts, "repeat": -penalty * blocks}
        result.append(item._replace(score=sum(parts.values()), parts=parts))
    return result


def _ranked(scored: _Scored) -> RankedItem:
    """The entry, explained by its largest component (the hold-back penalty is none)."""
    parts = scored.parts
    reason = max((name for name in parts if name != "repeat"), key=parts.__getitem__)
    contributors = scored.evidence.contributors if scored.evidence else ()
    return RankedItem(scored.item_id, scored.score, parts, Explanation(reason, contributors))


def rank(
    candidates: Iterable[Candidate],
    social: Mapping[int, SocialEvidence] | None = None,
    weights: BlendWeights | None = None,
    exclude: Iterable[int] = (),
    limit: int | None = None,
) -> list[RankedItem]:
    """Blend social score, quality, model prediction and freshness into a ranked feed.

    Items in ``exclude`` (already rated or reviewed by the viewer) are dropped. With no
    social evidence at all (a user who follows nobody) this ranks by quality, model and
    freshness: the cold-start feed. Ties in score break by item id for stable pages.
    """
    w = weights or BlendWeights()
    social = social or {}
    excluded = set(exclude)
    scored = []
    for candidate in candidates:
        if candidate.item_id in excluded:
            continue
        evidence = social.get(candidate.item_id)
        parts = _components(candidate, evidence, w)
        scored.append(_Scored(sum(parts.values()), candidate.item_id, parts, evidence))
    scored.sort(key=_best_first)
    ordered = cap_per_followee(scored, w.max_per_followee, w.social)
    ordered.sort(key=_best_first)
    return [_ranked(item) for item in (ordered if limit is None else ordered[:limit])]


# --------------------------------------------------------------------------- who to follow


@dataclass(frozen=True)
class FollowWeights:
    """How "who to follow" candidates are scored.

    friends_of_friends: weight of ``log1p(number of the user's followees who follow them)``.
    activity: weight of ``log1p(their recent opinions)``; active people make better feeds.
    agreement: weight of their agreement with the user, shrunk by ``agreement_shrinkage``
        co-rated items like tie strength.
    """

    friends_of_friends: float = 1.0
    activity: float = 0.3
    agreement: float = 1.0
    agreement_shrinkage: float = 5.0


@dataclass(frozen=True)
class FollowSuggestion:
    """A suggested account with its score and each component's weighted part."""

    user_id: int
    score: float
    components: dict[str, float] = field(default_factory=dict)


def who_to_follow(
    user_ids,
    followed_by_followees,
    activity,
    agreement=None,
    n_shared=None,
    exclude: Iterable[int] = (),
    weights: FollowWeights | None = None,
    limit: int | None = None,
) -> list[FollowSuggestion]:
    """Rank follow candidates given aligned arrays; ``exclude`` holds the user and the
    accounts already followed. Works for a user who follows nobody (all zeros but activity),
    which then suggests the most active people."""
    w = weights or FollowWeights()
    ids = np.asarray(user_ids)
    n = ids.size
    agreement = np.zeros(n) if agreement is None else np.asarray(agreement, dtype=float)
    n_shared = np.zeros(n) if n_shared is None else np.asarray(n_shared, dtype=float)
    parts = {
        "friends_of_friends": w.friends_of_friends * np.log1p(np.asarray(followed_by_followees)),
        "activity": w.activity * np.log1p(np.asarray(activity, dtype=float)),
        "agreement": w.agreement * agreement * n_shared / (n_shared + w.agreement_shrinkage),
    }
    total = sum(parts.values())
    excluded = set(exclude)
    order = sorted(
        (i for i in range(n) if ids[i].item() not in excluded),
        key=lambda i: (-total[i], ids[i].item()),
    )
    suggestions = [
        FollowSuggestion(
            ids[i].item(), float(total[i]), {name: float(v[i]) for name, v in parts.items()}
        )
        for i in order
    ]
    return suggestions if limit is None else suggestions[:limit]
