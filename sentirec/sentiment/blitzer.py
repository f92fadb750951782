"""Reader for Blitzer et al.'s Multi-Domain Sentiment ``.review`` files, every field kept.

The files are pseudo-XML (no root element, raw ``&`` next to HTML entities), so they are
parsed with regular expressions over ``<review>`` blocks, as the dataset's README advises.
The sentiment datasets use the text and stars; the site import uses the rest too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_REVIEW_RE = re.compile(r"<review>\n(.*?)</review>", re.DOTALL)
_FIELD_RE = re.compile(r"<(\w+)>\n(.*?)\n</\1>", re.DOTALL)
LABELLED_FILES = ("positive.review", "negative.review")


class BlitzerError(ValueError):
    """A path that holds no readable Blitzer reviews."""


@dataclass(frozen=True)
class BlitzerReview:
    """One review: who wrote it about which product, the stars, and what they said."""

    item_id: str
    product_name: str
    domain: str
    stars: float
    title: str
    text: str
    reviewer: str
    created: datetime | None

    @property
    def full_text(self) -> str:
        """Title and body as one text; the title ends like a sentence."""
        title = self.title
        if title and title[-1] not in ".!?":
            title += "."
        return f"{title} {self.text}".strip()


def _date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%B %d, %Y").replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_review_file(path: Path, domain: str | None = None) -> Iterator[BlitzerReview]:
    """Every ``<review>`` block of one file that has a numeric rating."""
    try:
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise BlitzerError(f"cannot read {path}: {exc.strerror or exc}") from exc
    for block in _REVIEW_RE.findall(content):
        fields = {k: html.unescape(v.strip()) for k, v in _FIELD_RE.findall(block)}
        try:
            stars = float(fields["rating"])
        except (KeyError, ValueError):
            continue
        yield BlitzerReview(
            item_id=fields.get("asin", ""),
            product_name=fields.get("product_name", "") or fields.get("asin", ""),
            domain=domain or fields.get("product_type", "") or path.parent.name,
            stars=stars,
            title=fields.get("title", ""),
            text=fields.get("review_text", ""),
            reviewer=fields.get("reviewer", ""),
            created=_date(fields.get("date", "")),
        )


def labelled_files(path: str | Path) -> list[Path]:
    """``positive.review``/``negative.review`` at ``path`` or below it (a file works too)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise BlitzerError(f"no such file or folder: {path}")
    files = sorted(p for p in path.rglob("*.review") if p.name in LABELLED_FILES)
    if not files:
        raise BlitzerError(f"{path}: no positive.review/negative.review files found")
    return files


def read_blitzer_reviews(path: str | Path, limit: int | None = None) -> list[BlitzerReview]:
    """All labelled reviews under ``path`` (``limit`` per file, for quick slices)."""
    reviews: list[BlitzerReview] = []
    for file in labelled_files(path):
        for n, review in enumerate(parse_review_file(file, file.parent.name)):
            if limit is not None and n >= limit:
                break
            reviews.append(review)
    if not reviews:
        raise BlitzerError(f"{path}: no <review> blocks with a rating found")
    return reviews
