"""Inference speed of the ``minilm`` tier on this machine's CPU (speed does not depend on the
tuned weights, so an untuned classifier on the real base is measured).

    python benchmarks/minilm_speed.py --data-root ../shared/data [--reviews 300]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sentirec.sentiment.architectures import build_model
from sentirec.sentiment.bundle import Bundle
from sentirec.sentiment.corpora import load_corpora
from sentirec.sentiment.predictor import Predictor
from sentirec.sentiment.text import Vocabulary


def rate(predictor: Predictor, texts: list[str]) -> float:
    predictor.predict(texts[:32])  # warm-up
    started = time.perf_counter()
    predictor.predict(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-root", default="../shared/data")
    parser.add_argument("--reviews", type=int, default=300, help="Blitzer reviews to time")
    parser.add_argument("--max-tokens", type=int, default=256, help="WordPiece pieces per text")
    args = parser.parse_args()
    corpora = load_corpora(args.data_root)
    torch.manual_seed(0)
    model = build_model("minilm", 0, {"train_layers": 1})
    bundle = Bundle(
        "minilm", {"train_layers": 1}, Vocabulary([]), model.state_dict(),
        {"max_tokens": args.max_tokens},
    )  # fmt: skip
    out = {"threads": torch.get_num_threads(), "max_tokens": args.max_tokens}
    for top_k in (5, 0):
        predictor = Predictor(bundle, top_k=top_k)
        out[f"sst2_sentences_per_s_top{top_k}"] = round(rate(predictor, corpora.sst2_val[0]), 1)
        reviews = corpora.blitzer_val[0][: args.reviews]
        out[f"blitzer_reviews_per_s_top{top_k}"] = round(rate(predictor, reviews), 1)
    out["load_average_1min"] = round(os.getloadavg()[0], 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
