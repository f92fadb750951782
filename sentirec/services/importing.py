"""Load the public datasets into the site: users, items, ratings, reviews, follows, plays.

One code path for every format: a reader turns files into rows, and the bulk writers
here insert them in chunks with ``ignore_conflicts``, so importing twice leaves the
same rows. What was created and what was skipped (and why) comes back as a summary.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from sentirec.conf import ITEM_MODEL_SETTING
from sentirec.models import Follow, Interaction, InteractionKind, Item, Rating, Review
from sentirec.recommend import datasets as social
from sentirec.sentiment.blitzer import BlitzerReview, read_blitzer_reviews
from sentirec.services.public_names import Person, Product
from sentirec.services.stats import refresh_item_stats
from sentirec.validators import STAR_VALUES

CHUNK = 5000
FORMATS = ("blitzer", *social.KINDS)

#: CiaoDVD's 17 genres, from its readme.
CIAODVD_GENRES = (
    "Action & Adventure", "Comedy", "Family", "Drama", "Horror", "Science Fiction & Fantasy",
    "Thriller & Mystery", "Martial Arts", "Musicals & Music Films", "War", "Westerns",
    "Documentaries & Biographies", "Special Interest", "Sports", "World Cinema", "TV Series",
    "Anime",
)  # fmt: skip

ITEM_NOUNS = {"filmtrust": "film", "ciaodvd": "DVD", "ciao": "product", "lastfm": "artist"}


class DatasetImportError(ValueError):
    """A dataset that cannot be imported (unknown format, unreadable path, bad file)."""


@dataclass
class ImportSummary:
    """Rows created per model, and rows skipped per reason."""

    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        made = ", ".join(f"{n} {name}" for name, n in self.created.items()) or "nothing"
        lines = [f"Created: {made}."]
        if self.skipped:
            lines.append("Skipped:")
            lines += [f"  {n} {reason}" for reason, n in sorted(self.skipped.items())]
        return lines


def _chunks(rows: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class Writer:
    """Bulk inserts with a progress bar, counting what each insert really created."""

    def __init__(self, summary: ImportSummary, progress: bool) -> None:
        self.summary = summary
        self.progress = progress

    def insert(self, model: type[models.Model], rows: Sequence[models.Model], what: str) -> None:
        if not rows:
            return
        before = model.objects.count()
        bar = tqdm(total=len(rows), desc=what, unit="row", disable=not self.progress, leave=False)
        for chunk in _chunks(rows):
            with transaction.atomic():
                model.objects.bulk_create(chunk, ignore_conflicts=True)
            bar.update(len(chunk))
        bar.close()
        created = model.objects.count() - before
        self.summary.created[what] += created
        if len(rows) - created:
            self.summary.skipped[f"{what} already present"] += len(rows) - created


def _username(source: str, raw: str) -> str:
    """A stable, valid username for an imported person (display names are not unique ids)."""
    slug = slugify(raw)[:40] or "user"
    digest = hashlib.sha1(raw.encode()).hexdigest()[:6]
    return f"{source}-{slug}-{digest}" if not raw.isdigit() else f"{source}-{raw}"


def _ensure_users(
    writer: Writer, source: str, names: Iterable[str], people: Mapping[str, Person] | None = None
) -> dict[str, int]:
    """Create missing users; return raw name -> user id. ``people`` gives chosen usernames
    and names (the demo's); otherwise the username is derived and the raw name is the
    first name. Name fields the host's user model lacks are left out."""
    User = get_user_model()
    key = User.USERNAME_FIELD  # whatever the host's user model logs in with
    fields = {field.name for field in User._meta.concrete_fields}
    chosen = {
        name: (people or {}).get(name) or Person(_username(source, name), name[:150], "")
        for name in dict.fromkeys(names)
    }
    wanted = {person.username: name for name, person in chosen.items()}
    password = make_password(None)  # unusable: imported people cannot log in
    rows = []
    for username, name in wanted.items():
        person = chosen[name]
        values = {"first_name": person.first_name, "last_name": person.last_name}
        extra = {k: v for k, v in values.items() if k in fields and v}
        rows.append(User(**{key: username, "password": password}, **extra))
    writer.insert(User, rows, "users")
    ids = {}
    for chunk in _chunks(list(wanted)):
        for username, pk in User.objects.filter(**{f"{key}__in": chunk}).values_list(key, "pk"):
            ids[wanted[username]] = pk
    return ids


def _ensure_items(writer: Writer, source: str, items: dict[str, dict]) -> dict[str, int]:
    """Create missing items (external id -> field values); return external id -> item id."""
    rows = [Item(source=source, external_id=ext, **values) for ext, values in items.items()]
    writer.insert(Item, rows, "items")
    ids = {}
    for chunk in _chunks(list(items)):
        ids.update(
            Item.objects.filter(source=source, external_id__in=chunk).values_list(
                "external_id", "pk"
            )
        )
    return ids


def _follows(writer: Writer, user_ids: dict[str, int], edges: Iterable[tuple[str, str]]) -> None:
    rows = [
        Follow(follower_id=user_ids[a], followee_id=user_ids[b])
        for a, b in edges
        if a in user_ids and b in user_ids and a != b
    ]
    writer.insert(Follow, rows, "follows")


# --------------------------------------------------------------------------- social sets


def _item_values(data: social.SocialDataset, raw: int, category: int | None) -> dict:
    noun = ITEM_NOUNS[data.kind]
    title = (data.item_names or {}).get(raw) or f"{data.kind.title()} {noun} #{raw}"
    values = {"title": title[:300]}
    if category is not None:
        values["category"] = _category_name(data, category)
    if data.kind == "lastfm":
        values["category"] = "music"
    return values


def _category_name(data: social.SocialDataset, category: int) -> str:
    if data.kind == "ciaodvd" and 1 <= category <= len(CIAODVD_GENRES):
        return CIAODVD_GENRES[category - 1]
    if data.kind == "ciao":
        return _ciao_catalog(data.path).get(str(category), str(category)).strip()
    return str(category)


@cache
def _ciao_catalog(folder: Path) -> dict[str, str]:
    """Ciao's category id -> name, read once per folder (not once per item)."""
    catalog = folder / "catalog_ciao.txt"
    if not catalog.is_file():
        return {}
    lines = catalog.read_text("latin-1").splitlines()
    return dict(line.split(" ", 1) for line in lines if " " in line)


def _import_social(data: social.SocialDataset, writer: Writer) -> set[int]:
    summary = writer.summary
    for reason, n in data.skipped.counts.items():
        summary.skipped[reason] += n
    raw_users = [str(u) for u in np.unique(np.concatenate([data.users, data.trust.ravel()]))]
    user_ids = _ensure_users(writer, data.kind, raw_users)
    categories = data.categories if data.categories is not None else [None] * len(data)
    items = {}
    for raw, category in zip(data.items.tolist(), categories, strict=True):
        if str(raw) not in items:
            items[str(raw)] = _item_values(data, raw, None if category is None else int(category))
    item_ids = _ensure_items(writer, data.kind, items)
    _follows(writer, user_ids, ((str(a), str(b)) for a, b in data.trust.tolist()))
    dates = data.timestamps
    if data.implicit:
        _plays(writer, data, user_ids, item_ids)
    else:
        rows = []
        for k, (user, item, value) in enumerate(
            zip(data.users.tolist(), data.items.tolist(), data.values.tolist(), strict=True)
        ):
            stars = Decimal(str(value))
            if stars not in STAR_VALUES:
                summary.skipped["stars not in 0.5..5 half steps"] += 1
                continue
            rating = Rating(user_id=user_ids[str(user)], item_id=item_ids[str(item)], stars=stars)
            if dates is not None:
                rating.created = rating.updated = _midnight(dates[k])
            rows.append(rating)
        writer.insert(Rating, rows, "ratings")
    return set(item_ids.values())


def _midnight(day: np.datetime64) -> datetime:
    return datetime.fromisoformat(str(day)).replace(tzinfo=UTC)


def _plays(writer: Writer, data: social.SocialDataset, users: dict, items: dict) -> None:
    """Play counts become ``view`` interactions weighted by plays; existing pairs are kept."""
    user_pks = list(users.values())
    existing = set()
    for chunk in _chunks(user_pks):
        existing |= set(
            Interaction.objects.filter(user_id__in=chunk, kind=InteractionKind.VIEW).values_list(
                "user_id", "item_id"
            )
        )
    rows = []
    for user, item, plays in zip(
        data.users.tolist(), data.items.tolist(), data.values.tolist(), strict=True
    ):
        key = (users[str(user)], items[str(item)])
        if key in existing:
            writer.summary.skipped["plays already present"] += 1
            continue
        rows.append(
            Interaction(
                user_id=key[0], item_id=key[1], kind=InteractionKind.VIEW, weight=int(plays)
            )
        )
    writer.insert(Interaction, rows, "plays")


# --------------------------------------------------------------------------- reviews


def import_reviews(
    reviews: Iterable[BlitzerReview],
    writer: Writer,
    source: str = "blitzer",
    people: Mapping[str, Person] | None = None,
    products: Mapping[str, Product] | None = None,
) -> set[int]:
    """Reviewers become users, products items, and each review a review plus a rating.

    ``people`` (raw reviewer name -> username and names) and ``products`` (product id ->
    title and description) replace the names derived from the raw fields (the demo's)."""
    kept: dict[tuple[str, str], BlitzerReview] = {}
    for review in reviews:
        if not review.reviewer.strip():
            writer.summary.skipped["reviews without a reviewer name"] += 1
        elif not review.text.strip():
            writer.summary.skipped["reviews without text"] += 1
        elif (review.reviewer, review.item_id) in kept:
            writer.summary.skipped["duplicate reviewer-item pairs"] += 1
        else:
            kept[(review.reviewer, review.item_id)] = review
    now = timezone.now()  # for reviews without a date
    user_ids = _ensure_users(writer, source, (r.reviewer for r in kept.values()), people)
    item_ids = _ensure_items(
        writer, source, {r.item_id: _item_fields(r, products) for r in kept.values()}
    )
    rows = [
        Review(
            user_id=user_ids[r.reviewer],
            item_id=item_ids[r.item_id],
            title=r.title[:200],
            text=r.text,
            stars=Decimal(str(r.stars)),
            created=r.created or now,
            updated=r.created or now,
        )
        for r in kept.values()
    ]
    writer.insert(Review, rows, "reviews")
    ratings = [
        Rating(
            user_id=row.user_id,
            item_id=row.item_id,
            stars=row.stars,
            created=row.created,
            updated=row.created,
        )
        for row in rows
    ]
    writer.insert(Rating, ratings, "ratings")
    return set(item_ids.values())


def _item_fields(review: BlitzerReview, products: Mapping[str, Product] | None) -> dict:
    known = (products or {}).get(review.item_id)
    if known is None:
        return {"title": review.product_name[:300], "category": review.domain}
    return {"title": known.title[:300], "description": known.description, "category": review.domain}


# --------------------------------------------------------------------------- entry point

READERS: dict[str, Callable[[Path, int | None], Iterable]] = {
    "blitzer": lambda path, limit: read_blitzer_reviews(path, limit=limit),
    **{
        kind: (lambda path, limit, kind=kind: social.load(f"{kind}:{path}", limit))
        for kind in social.KINDS
    },
}


def import_dataset(
    fmt: str, path: str | Path, *, limit: int | None = None, progress: bool = False
) -> ImportSummary:
    """Import ``path`` in format ``fmt``; ``limit`` caps the rows read (a slice for tests).

    All or nothing, in one transaction. Refused before anything is read or written when
    the host swapped the item model: imported items are ``sentirec.Item`` rows."""
    if fmt not in READERS:
        raise DatasetImportError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    require_own_item_model()
    summary = ImportSummary()
    writer = Writer(summary, progress)
    try:
        data = READERS[fmt](Path(path), limit)
    except ValueError as exc:  # DatasetError from either reader family
        raise DatasetImportError(str(exc)) from None
    try:
        with transaction.atomic():  # all or nothing: a failure leaves no users, items, reviews
            social_or_reviews = import_reviews if fmt == "blitzer" else _import_social
            refresh_item_stats(social_or_reviews(data, writer))
    except DatabaseError as exc:  # e.g. a host user model with more required fields
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatasetImportError(
            f"the database refused the import ({reason}); nothing was imported."
        ) from exc
    return summary


def require_own_item_model() -> None:
    """Refuse, before writing anything, when the host swapped out ``sentirec.Item``:
    datasets become ``sentirec.Item`` rows, which such a site has no table for."""
    if Item._meta.swapped:
        raise DatasetImportError(
            f"imported items are sentirec.Item rows, but {ITEM_MODEL_SETTING} = "
            f"{Item._meta.swapped!r} replaces that model here, so nothing was imported."
        )
