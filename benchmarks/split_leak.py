"""How often a validation row of SST-2 train occurs word for word inside a training row,
under the per-text split (``dedup_split``) and the group-aware one (``group_split``).

    python benchmarks/split_leak.py --data-root ../shared/data
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sentirec.sentiment.datasets import load
from sentirec.sentiment.splits import dedup_split, group_split, text_key


def leak_rate(texts: list[str], train: list[int], val: list[int], sample: int) -> float:
    pool = " \n ".join(text_key(texts[i]) for i in train)
    rows = random.Random(0).sample(val, min(sample, len(val)))
    return sum(f" {text_key(texts[i])} " in f" {pool} " for i in rows) / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-root", default="../shared/data")
    parser.add_argument("--sample", type=int, default=300)
    args = parser.parse_args()
    texts = load("sst2", Path(args.data_root) / "sst2" / "train.tsv").texts
    for name, split in (("dedup_split", dedup_split), ("group_split", group_split)):
        train, val = split(texts, 0.4, 0)
        left_out = len(texts) - len(train) - len(val)
        rate = leak_rate(texts, train, val, args.sample)
        print(
            f"{name}: {len(train)} train / {len(val)} validation / {left_out} left out; "
            f"{rate:.0%} of {args.sample} sampled validation rows occur inside a training row"
        )


if __name__ == "__main__":
    main()
