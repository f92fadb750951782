"""The demo site's data: real Blitzer reviews shipped with the package, and a follow
graph derived from them (the reviews have no social graph; docs/demo-data.md says how)."""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from sentirec.models import Follow, Review
from sentirec.sentiment.blitzer import BlitzerReview
from sentirec.services.importing import (
    ImportSummary,
    Writer,
    import_reviews,
    require_own_item_model,
)

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "demo-reviews.jsonl.gz"
SEED = 7
#: Same-domain reviewers each demo reviewer follows (drawn by review count, seeded).
DOMAIN_FOLLOWS = 4
#: Most prolific reviewers of each domain the demo login follows.
DEMO_FOLLOWS_PER_DOMAIN = 3


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    staff: bool = False


DEMO_USER = DemoLogin("demo", "sentirec-demo")
DEMO_ADMIN = DemoLogin("admin", "sentirec-admin", staff=True)


def read_demo_reviews(path: Path = DEMO_FILE) -> Iterator[BlitzerReview]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            date = row.pop("date")
            created = datetime.fromisoformat(date).replace(tzinfo=UTC) if date else None
            yield BlitzerReview(created=created, **row)


def derived_follows(reviews: list[tuple[int, int, str]]) -> set[tuple[int, int]]:
    """(follower, followee) pairs from (user, item, domain) rows, by two documented rules:

    1. people who reviewed the same item follow each other;
    2. each person follows ``DOMAIN_FOLLOWS`` others who review in the same domain, drawn
       with probability proportional to their number of reviews (seeded, so repeatable).
    """
    by_item: dict[int, set[int]] = defaultdict(set)
    by_domain: dict[str, Counter] = defaultdict(Counter)
    for user, item, domain in reviews:
        by_item[item].add(user)
        by_domain[domain][user] += 1
    pairs = {(a, b) for users in by_item.values() for a in users for b in users if a != b}
    rng = random.Random(SEED)
    for domain in sorted(by_domain):
        people = sorted(by_domain[domain])
        weights = [by_domain[domain][p] for p in people]
        for person in people:
            picks = rng.choices(people, weights=weights, k=DOMAIN_FOLLOWS + 1)
            pairs |= {(person, other) for other in picks if other != person}
    return pairs


def _login(login: DemoLogin):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=login.username, defaults={"is_staff": login.staff, "is_superuser": login.staff}
    )
    user.set_password(login.password)
    user.save()
    return user


def load_demo(progress: bool = False) -> ImportSummary:
    """Load the demo reviews, derive the follow graph, create the demo logins. Idempotent,
    all or nothing, and refused on a site that swapped out ``sentirec.Item``."""
    require_own_item_model()
    with transaction.atomic():
        return _load_demo(progress)


def _load_demo(progress: bool) -> ImportSummary:
    summary = ImportSummary()
    writer = Writer(summary, progress)
    import_reviews(read_demo_reviews(), writer)
    rows = list(Review.objects.values_list("user_id", "item_id", "item__category"))
    pairs = derived_follows(rows)
    demo = _login(DEMO_USER)
    _login(DEMO_ADMIN)
    by_domain: dict[str, Counter] = defaultdict(Counter)
    for user, _, domain in rows:
        by_domain[domain][user] += 1
    for domain in sorted(by_domain):
        top = sorted(by_domain[domain].items(), key=lambda kv: (-kv[1], kv[0]))
        pairs |= {(demo.pk, user) for user, _ in top[:DEMO_FOLLOWS_PER_DOMAIN]}
    writer.insert(
        Follow, [Follow(follower_id=a, followee_id=b) for a, b in sorted(pairs)], "follows"
    )
    return summary
