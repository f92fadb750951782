"""The TextCNN's convolutions as one matrix product, against one ``Conv1d`` per width.

    OMP_NUM_THREADS=1 python benchmarks/textcnn.py [--data-root ../shared/data]

The shipped model's TextCNN member turns the held-out Blitzer reviews (then the SST-2
sentences) into its (batch, time, filters x widths) features both ways, in batches as
the predictor makes them, interleaved ``--repeats`` times, and runs its whole forward
pass (features, attention, pooling, output) with each; the median rates and their
ratios are printed as JSON, with the largest difference between the two features.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sentirec.sentiment.architectures import TextCNN
from sentirec.sentiment.batching import bucket_batches, pad
from sentirec.sentiment.bundle import default_bundle_path, load_bundle
from sentirec.sentiment.corpora import load_corpora
from sentirec.sentiment.predictor import MAX_BATCH_TOKENS, Predictor


def per_width(model: TextCNN, x: torch.Tensor) -> torch.Tensor:
    """The textbook way: each width's ``Conv1d`` over (batch, channels, time), ReLU,
    even widths cut to the text's length, concatenated and turned back."""
    channels_first = x.transpose(1, 2)
    time_steps = x.shape[1]
    parts = [torch.relu(conv(channels_first))[:, :, :time_steps] for conv in model.convs]
    return torch.cat(parts, 1).transpose(1, 2)


def _forward(model: TextCNN, features, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The member's forward pass on embedded ``x`` with ``features`` in place of its own."""
    model.features = features  # an instance attribute hides the method until deleted
    try:
        return model.classify(x, mask, None)[0]
    finally:
        del model.features


def _rate(run, batches: list[tuple[torch.Tensor, torch.Tensor]], n: int) -> float:
    started = time.perf_counter()
    for x, mask in batches:
        run(x, mask)
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-root", default="../shared/data")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    predictor = Predictor(load_bundle(default_bundle_path()))
    model = next(m for m in predictor.model.members if isinstance(m, TextCNN))
    corpora = load_corpora(args.data_root)
    result = {"threads": torch.get_num_threads(), "load_average_1min": os.getloadavg()[0]}
    for name, texts in (
        ("blitzer_reviews", corpora.blitzer_val[0]),
        ("sst2_sentences", corpora.sst2_val[0]),
    ):
        ids = [predictor._prepare(text)[0] for text in texts]
        padded = [
            pad([ids[i] for i in batch])[0]
            for batch in bucket_batches([len(s) for s in ids], 256, max_tokens=MAX_BATCH_TOKENS)
        ]
        batches = [(model.embedding(rows), rows != 0) for rows in padded]
        ways = {"features": model.features, "per_width": lambda x: per_width(model, x)}
        rates: dict[str, list[float]] = {}
        with torch.inference_mode():
            for _ in range(args.repeats):
                for way, features in ways.items():
                    alone = _rate(lambda x, _, f=features: f(x), batches, len(texts))
                    rates.setdefault(way, []).append(alone)
                    rates.setdefault(f"{way}, whole forward", []).append(
                        _rate(partial(_forward, model, features), batches, len(texts))
                    )
            gap = max(
                float((model.features(x) - per_width(model, x)).abs().max()) for x, _ in batches
            )
        medians = {way: statistics.median(r) for way, r in rates.items()}
        result[name] = {
            "texts_per_s": {way: round(v, 1) for way, v in medians.items()},
            "features_ratio": round(medians["features"] / medians["per_width"], 2),
            "forward_ratio": round(
                medians["features, whole forward"] / medians["per_width, whole forward"], 2
            ),
            "largest_difference": gap,
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
