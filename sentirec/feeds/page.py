"""What a feed page is made of: the entries, the people behind them, the page itself.

Kept apart from ``feed`` (which builds pages), ``cache`` (which stores them) and
``explain`` (which words them), so those three depend on these types and not on each
other. Pages are pickled into the cache; ``cache.PAGE_FORMAT`` names this layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Model
from django.utils import timezone

from sentirec.feeds.suggestions import Suggestion

__all__ = ["Contributor", "FeedEntry", "FeedPage", "QuietFollowee", "Suggestion"]


@dataclass(frozen=True)
class Contributor:
    """Someone you follow (or, with ``via_username``, someone they follow) whose opinion
    put the item in your feed."""

    user_id: int
    username: str
    opinion: float
    label: str
    highlights: list[str]
    excerpt: str
    review_id: int | None
    via_username: str | None = None
    display_name: str = ""
    stars: float | None = None
    date: datetime | None = None


@dataclass(frozen=True)
class FeedEntry:
    """One ranked item; ``components`` are the weighted parts that sum to ``score``.
    ``explanation`` is one sentence with names (the API's); ``headline`` names nobody,
    for pages that show each contributor with their quote."""

    item: Model
    score: float
    components: dict[str, float]
    reason: str
    contributors: list[Contributor]
    explanation: str
    headline: str = ""


@dataclass(frozen=True)
class QuietFollowee:
    """Someone you follow who puts nothing in your feed, and why: ``seen_all`` (you
    already rated everything they rated) or ``nothing_yet`` (no opinions at all)."""

    user_id: int
    username: str
    why: str


@dataclass(frozen=True)
class FeedPage:
    """A page of the feed. ``cold_start``: no social evidence yet (top items instead).
    The first page also carries ``who_to_follow`` and the followees who have nothing new
    for the viewer (``quiet``)."""

    user_id: int | None
    page: int
    page_size: int
    entries: list[FeedEntry]
    has_next: bool
    cold_start: bool
    who_to_follow: list[Suggestion] = field(default_factory=list)
    quiet: list[QuietFollowee] = field(default_factory=list)
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def start(self) -> int:
        """How many entries come before this page: entry ``i`` is number ``start + i + 1``."""
        return (self.page - 1) * self.page_size
