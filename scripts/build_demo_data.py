"""Build ``sentirec/data/demo-reviews.jsonl.gz`` from the public Blitzer reviews.

Run once by a maintainer::

    python scripts/build_demo_data.py ../shared/data/multi-domain-sentiment

The output ships with the package so the demo needs no dataset on disk. Which reviews are
kept, and why, is documented in docs/demo-data.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections import Counter
from pathlib import Path

from sentirec.sentiment.blitzer import BlitzerReview, read_blitzer_reviews
from sentirec.services.public_names import REPLACEMENT, people, product

#: Display names shared by many different people: not one person, so not a demo user.
GENERIC_NAMES = {"", "anonymous", "a customer", "amazon customer"}
TARGET = 2400
SEED = 20261127
OUT = Path(__file__).resolve().parents[1] / "sentirec" / "data" / "demo-reviews.jsonl.gz"


def readable(review: BlitzerReview) -> bool:
    """False when a shown field holds U+FFFD: the source lost those characters (its files
    are valid UTF-8 with the replacement character in them), so there is nothing to repair.
    A cast member's name with it is dropped from the description instead."""
    title = product(review.product_name, review.domain).title
    shown = (title, review.title, review.text, review.reviewer)
    return not any(REPLACEMENT in text for text in shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="the multi-domain-sentiment folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    reviews = [
        r
        for r in read_blitzer_reviews(args.folder)
        if r.reviewer.strip().lower() not in GENERIC_NAMES and readable(r)
    ]
    per_reviewer = Counter(r.reviewer for r in reviews)
    per_item = Counter(r.item_id for r in reviews)
    # People with several reviews make a social graph worth showing, and items with
    # several reviews make item pages worth opening; fill up with a seeded sample.
    core = [r for r in reviews if per_reviewer[r.reviewer] > 1 or per_item[r.item_id] > 1]
    in_core = set(core)
    rest = [r for r in reviews if r not in in_core]
    random.Random(SEED).shuffle(rest)
    chosen = core + rest[: max(0, TARGET - len(core))]
    chosen.sort(key=lambda r: (r.domain, r.item_id, r.reviewer))
    named = people(r.reviewer for r in chosen)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # No name and mtime=0 in the gzip header: the same input gives the same bytes.
    with (
        args.out.open("wb") as file,
        gzip.GzipFile("", "wb", compresslevel=9, fileobj=file, mtime=0) as raw,
    ):
        for r in chosen:
            item, person = product(r.product_name, r.domain), named[r.reviewer]
            record = {
                "item_id": r.item_id,
                "item_title": item.title,
                "item_description": item.description,
                "domain": r.domain,
                "stars": r.stars,
                "title": r.title,
                "text": r.text,
                "reviewer": r.reviewer,
                "username": person.username,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "date": r.created.date().isoformat() if r.created else None,
            }
            raw.write((json.dumps(record, ensure_ascii=False) + "\n").encode())
    size = args.out.stat().st_size
    print(f"{len(chosen)} reviews ({len(core)} core) -> {args.out} ({size:,} bytes)")


if __name__ == "__main__":
    main()
