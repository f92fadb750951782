"""The demo site's data: real Blitzer reviews shipped with the package, and a follow
graph derived from them (the reviews have no social graph; docs/demo-data.md says how)."""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
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
from sentirec.services.public_names import Person, Product

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "demo-reviews.jsonl.gz"
SEED = 7
#: Same-domain reviewers each demo reviewer follows (drawn by review count, seeded).
DOMAIN_FOLLOWS = 4
#: The demo login is a film and book lover: it follows the most prolific reviewers of
#: these domains who review nothing else, so its feed is films and books, not wash cloths.
DEMO_DOMAINS = ("books", "dvd")
#: Reviewers of each of ``DEMO_DOMAINS`` the demo login follows.
DEMO_FOLLOWS_PER_DOMAIN = 4


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    staff: bool = False


DEMO_USER = DemoLogin("demo", "sentirec-demo")
DEMO_ADMIN = DemoLogin("admin", "sentirec-admin", staff=True)


@dataclass
class DemoData:
    """The shipped reviews, with the readable people and products the build chose."""

    reviews: list[BlitzerReview] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)


def read_demo(path: Path = DEMO_FILE) -> DemoData:
    """The demo file: one review a line, each with its reviewer's username and names and
    its product's title and description (``scripts/build_demo_data.py`` writes it)."""
    data = DemoData()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            date = row["date"]
            review = BlitzerReview(
                item_id=row["item_id"],
                product_name=row["item_title"],
                domain=row["domain"],
                stars=row["stars"],
                title=row["title"],
                text=row["text"],
                reviewer=row["reviewer"],
                created=datetime.fromisoformat(date).replace(tzinfo=UTC) if date else None,
            )
            data.reviews.append(review)
            data.people[review.reviewer] = Person(
                row["username"], row["first_name"], row["last_name"]
            )
            data.products[review.item_id] = Product(row["item_title"], row["item_description"])
    return data


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


def demo_followees(reviews: list[tuple[int, int, str]]) -> set[int]:
    """Whom the demo login follows, from (user, item, domain) rows: the
    ``DEMO_FOLLOWS_PER_DOMAIN`` most prolific reviewers of each of ``DEMO_DOMAINS`` among
    those who review nothing outside them (ties by user id)."""
    by_domain: dict[str, Counter] = defaultdict(Counter)
    elsewhere: Counter = Counter()
    for user, _, domain in reviews:
        if domain in DEMO_DOMAINS:
            by_domain[domain][user] += 1
        else:
            elsewhere[user] += 1
    chosen: set[int] = set()
    for domain in DEMO_DOMAINS:
        focused = [(user, n) for user, n in by_domain[domain].items() if not elsewhere[user]]
        top = sorted(focused, key=lambda kv: (-kv[1], kv[0]))
        chosen |= {user for user, _ in top[:DEMO_FOLLOWS_PER_DOMAIN]}
    return chosen


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
    data = read_demo()
    import_reviews(data.reviews, writer, people=data.people, products=data.products)
    rows = list(Review.objects.values_list("user_id", "item_id", "item__category"))
    pairs = derived_follows(rows)
    demo = _login(DEMO_USER)
    _login(DEMO_ADMIN)
    pairs |= {(demo.pk, user) for user in demo_followees(rows)}
    writer.insert(
        Follow, [Follow(follower_id=a, followee_id=b) for a, b in sorted(pairs)], "follows"
    )
    return summary
