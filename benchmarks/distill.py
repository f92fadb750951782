"""Distillation pipeline of the shipped model: teacher -> soft labels -> GloVe student.

    python benchmarks/distill.py teacher --data-root ../shared/data   # resumable, ~1-2 h CPU
    python benchmarks/distill.py label   --data-root ../shared/data   # resumable
    python benchmarks/distill.py student --data-root ../shared/data

Every stage trains only on the training side of :mod:`sentirec.sentiment.corpora`; the
validation splits choose, the final splits are left alone. Intermediate state lives under
``var/distill/`` (gitignored); each stage appends its figures to
``benchmarks/results/distill.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentirec.sentiment.corpora import load_corpora  # noqa: E402
from sentirec.sentiment.training import TrainConfig, train  # noqa: E402

WORK = ROOT / "var" / "distill"
RESULTS = ROOT / "benchmarks" / "results" / "distill.jsonl"
TEACHER = {
    "arch": "minilm",
    "hparams": {"train_layers": 4},
    "lr": 5e-5,
    "batch_size": 32,
    "epochs": 1,
    "patience": 1,
    "max_tokens": 128,
    "weight_decay": 0.01,
    "grad_clip": 1.0,
    "embeddings": None,
}


def record(stage: str, **figures) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    row = {
        "stage": stage,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "threads": torch.get_num_threads(),
        "host": platform.node(),
        **figures,
    }
    with open(RESULTS, "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    print(json.dumps(row))


def cmd_teacher(args: argparse.Namespace) -> None:
    corpora = load_corpora(args.data_root)
    config = TrainConfig(**TEACHER)
    started = time.perf_counter()
    result = train(
        *corpora.train("both"),
        config,
        *corpora.val("both"),
        progress=not args.quiet,
        checkpoint_dir=str(WORK / "teacher"),
    )
    result.bundle.save(WORK / "teacher.bundle")
    record(
        "teacher",
        version=result.bundle.version,
        seconds_this_run=round(time.perf_counter() - started, 1),
        **{k: v for k, v in result.metrics.items() if k != "history"},
        history=result.history,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="stage", required=True)
    p = sub.add_parser("teacher")
    p.add_argument("--data-root", default="../shared/data")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_teacher)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
