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

from sentirec.sentiment.blitzer import read_blitzer_reviews

#: Display names shared by many different people: not one person, so not a demo user.
GENERIC_NAMES = {"", "anonymous", "a customer", "amazon customer"}
TARGET = 2400
SEED = 20261127
OUT = Path(__file__).resolve().parents[1] / "sentirec" / "data" / "demo-reviews.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="the multi-domain-sentiment folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    reviews = [
        r
        for r in read_blitzer_reviews(args.folder)
        if r.reviewer.strip().lower() not in GENERIC_NAMES
    ]
    per_reviewer = Counter(r.reviewer for r in reviews)
    per_item = Counter(r.item_id for r in reviews)
    # People with several reviews make a social graph worth showing, and items with
    # several reviews make item pages worth opening; fill up with a seeded sample.
    core = [r for r in reviews if per_reviewer[r.reviewer] > 1 or per_item[r.item_id] > 1]
    rest = [r for r in reviews if r not in core]
    random.Random(SEED).shuffle(rest)
    chosen = core + rest[: max(0, TARGET - len(core))]
    chosen.sort(key=lambda r: (r.domain, r.item_id, r.reviewer))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as handle:
        for r in chosen:
            record = {
                "item_id": r.item_id,
                "product_name": r.product_name,
                "domain": r.domain,
                "stars": r.stars,
                "title": r.title,
                "text": r.text,
                "reviewer": r.reviewer,
                "date": r.created.date().isoformat() if r.created else None,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    size = args.out.stat().st_size
    print(f"{len(chosen)} reviews ({len(core)} core) -> {args.out} ({size:,} bytes)")


if __name__ == "__main__":
    main()
