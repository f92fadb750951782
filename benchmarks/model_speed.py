"""Inference speed of sentiment bundles on this machine's CPU, side by side in one run.

    python benchmarks/model_speed.py --data-root ../shared/data \
        sentirec/data/sentiment-default.bundle var/distill/student.bundle minilm-untuned

Each bundle's ``Predictor`` (highlights on, as the worker runs it) scores the 1,000 held-out
SST-2 sentences and the 1,211 held-out Blitzer reviews, ``--repeats`` times, the bundles
interleaved so a change in the machine's load hits them alike; the median rate and its
ratio to the first bundle's are printed as JSON, with the thread count and load.
``minilm-untuned`` stands for the ``minilm`` tier: its speed does not depend on the tuned
weights, so an untuned classifier on the real base is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sentirec.sentiment.architectures import build_model
from sentirec.sentiment.bundle import Bundle, load_bundle
from sentirec.sentiment.corpora import load_corpora
from sentirec.sentiment.predictor import Predictor
from sentirec.sentiment.text import Vocabulary

UNTUNED_MINILM = "minilm-untuned"


def untuned_minilm(max_tokens: int) -> Bundle:
    torch.manual_seed(0)
    model = build_model("minilm", 0, {"train_layers": 1})
    return Bundle(
        "minilm", {"train_layers": 1}, Vocabulary([]), model.state_dict(),
        {"max_tokens": max_tokens},
    )  # fmt: skip


def rate(predictor: Predictor, texts: list[str]) -> float:
    started = time.perf_counter()
    predictor.predict(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bundles", nargs="+", help=f"bundle paths, or {UNTUNED_MINILM}")
    parser.add_argument("--data-root", default="../shared/data")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=256, help="for minilm-untuned")
    args = parser.parse_args()
    corpora = load_corpora(args.data_root)
    sets = {"sst2_sentences": corpora.sst2_val[0], "blitzer_reviews": corpora.blitzer_val[0]}
    predictors = {
        name: Predictor(
            untuned_minilm(args.max_tokens) if name == UNTUNED_MINILM else load_bundle(name)
        )
        for name in args.bundles
    }
    load_before = os.getloadavg()[0]
    rates: dict[str, dict[str, list[float]]] = {n: {s: [] for s in sets} for n in predictors}
    for predictor in predictors.values():
        predictor.predict(sets["sst2_sentences"][:64])  # warm-up
    for _ in range(args.repeats):
        for name, predictor in predictors.items():
            for split, texts in sets.items():
                rates[name][split].append(rate(predictor, texts))
    first = args.bundles[0]
    out = {
        "threads": torch.get_num_threads(),
        "repeats": args.repeats,
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "per_s": {
            name: {
                split: {
                    "median": round(statistics.median(r), 1),
                    "ratio_to_first": round(
                        statistics.median(r) / statistics.median(rates[first][split]), 2
                    ),
                }
                for split, r in by_split.items()
            }
            for name, by_split in rates.items()
        },
        "bundles": {n: p.bundle.version for n, p in predictors.items()},
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
