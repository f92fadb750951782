"""Inference speed of sentiment bundles on this machine's CPU, side by side in one run.

    python benchmarks/model_speed.py --data-root ../shared/data \
        sentirec/data/sentiment-default.bundle var/distill/student.bundle minilm-untuned

Each bundle's ``Predictor`` (highlights on, as the worker runs it) scores the 1,000 held-out
SST-2 sentences and the 1,211 held-out Blitzer reviews, ``--repeats`` times, the bundles
interleaved so a change in the machine's load hits them alike; the median rate and its
ratio to the first bundle's are printed as JSON, with the thread count and load.

``--call-size 256`` hands the predictor the texts 256 at a time, as a scoring task does,
and ``--max-batch-tokens 4096 0`` times each bundle once per cap on a batch's padded
size (0: no cap), so the cap's effect is measured in one run::

    OMP_NUM_THREADS=1 python benchmarks/model_speed.py sentirec/data/sentiment-default.bundle \
        --call-size 256 --max-batch-tokens 4096 0
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


def rate(predictor: Predictor, texts: list[str], call_size: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(texts), call_size):
        predictor.predict(texts[start : start + call_size])
    return len(texts) / (time.perf_counter() - started)


def _label(name: str, cap: int | None) -> str:
    if cap is None:
        return name
    return f"{name}, max_batch_tokens {cap or 'uncapped'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bundles", nargs="+", help=f"bundle paths, or {UNTUNED_MINILM}")
    parser.add_argument("--data-root", default="../shared/data")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=256, help="for minilm-untuned")
    parser.add_argument(
        "--call-size", type=int, default=0, help="texts per predict() call (0: all at once)"
    )
    parser.add_argument(
        "--max-batch-tokens",
        type=int,
        nargs="+",
        default=[None],
        help="caps on a batch's padded size to time each bundle with (0: no cap); "
        "default: the predictor's own",
    )
    args = parser.parse_args()
    corpora = load_corpora(args.data_root)
    sets = {"sst2_sentences": corpora.sst2_val[0], "blitzer_reviews": corpora.blitzer_val[0]}
    predictors = {
        _label(name, cap): Predictor(
            untuned_minilm(args.max_tokens) if name == UNTUNED_MINILM else load_bundle(name),
            max_batch_tokens=sys.maxsize if cap == 0 else cap,
        )
        for name in args.bundles
        for cap in args.max_batch_tokens
    }
    load_before = os.getloadavg()[0]
    rates: dict[str, dict[str, list[float]]] = {n: {s: [] for s in sets} for n in predictors}
    for predictor in predictors.values():
        predictor.predict(sets["sst2_sentences"][:64])  # warm-up
    for _ in range(args.repeats):
        for name, predictor in predictors.items():
            for split, texts in sets.items():
                rates[name][split].append(rate(predictor, texts, args.call_size or len(texts)))
    first = next(iter(predictors))
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
