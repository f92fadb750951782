"""Human words for a feed entry: a short quote from a review and a one-line reason.

"3 people you follow loved this: '...the battery lasts forever'" reads better than a
score, and it is what makes a social feed trustworthy: you can see whose words put the
item there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentirec.feeds.page import Contributor
    from sentirec.models import ItemStats

#: Longest quote, in characters (before the ellipses).
EXCERPT_CHARS = 120
#: Context kept before the highlighted word.
CONTEXT_CHARS = 30

VERBS = {"mixed": "had mixed feelings about"}


def excerpt(text: str, highlights: Sequence[str], width: int = EXCERPT_CHARS) -> str:
    """A quote of ``text`` around the first highlighted word it contains, else its start;
    cut at word boundaries, with "..." where something was left out."""
    text = " ".join(text.split())
    start = 0
    for word in highlights:
        found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
        if found:
            start = max(0, found.start() - CONTEXT_CHARS)
            if start:
                space = text.find(" ", start, found.start())
                start = space + 1 if space != -1 else start
            break
    end = start + width
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    else:
        end = len(text)
    quote = text[start:end].strip()
    return f"{'...' if start else ''}{quote}{'...' if end < len(text) else ''}"


def social_sentence(contributors: Sequence[Contributor], agreeing: int) -> str:
    """Who among the people you follow felt what, quoting the first of them who wrote
    something that agrees with the leader.

    ``agreeing`` is how many contributors share the leader's label (all of them, not
    only those shown).
    """
    leader = contributors[0]
    if agreeing > 1:
        who = f"{agreeing} people you follow"
    elif leader.via_username:
        who = f"{leader.username} (followed by {leader.via_username})"
    else:
        who = leader.username
    sentence = f"{who} {VERBS.get(leader.label, leader.label)} this"
    quote = next((c.excerpt for c in contributors if c.label == leader.label and c.excerpt), "")
    return f"{sentence}: '{quote}'" if quote else sentence


def _quality_sentence(stats: ItemStats | None) -> str:
    if stats is None or not stats.rating_count or stats.average_stars is None:
        return "Highly rated on the site"
    people = "person" if stats.rating_count == 1 else "people"
    return f"Highly rated: {stats.average_stars:.1f} stars from {stats.rating_count} {people}"


def lead_sentence(reason: str, stats: ItemStats | None) -> str:
    """Why a non-social entry is there, in words."""
    return {
        "quality": _quality_sentence(stats),
        "model": "Picked for you from your ratings and the people you trust",
        "freshness": "Fresh: new opinions on it lately",
    }.get(reason, _quality_sentence(stats))


def headline(reason: str, contributors: Sequence[Contributor], agreeing: int, stats) -> str:
    """The line above an entry's quotes, naming nobody: each quote names its person once.

    Empty for a social entry with one voice (its quote says it all)."""
    if reason == "social" and contributors:
        if agreeing < 2:
            return ""
        leader = contributors[0].label
        return f"{agreeing} people you follow {VERBS.get(leader, leader)} this"
    return lead_sentence(reason, stats)


def explanation(
    reason: str,
    contributors: Sequence[Contributor],
    agreeing: int,
    stats: ItemStats | None,
) -> str:
    """The one sentence the API gives for an entry, led by its dominant component."""
    social = social_sentence(contributors, agreeing) if contributors else ""
    if reason == "social" and social:
        return social
    lead = lead_sentence(reason, stats)
    return f"{lead}. {social}" if social else lead
