"""Distillation pipeline of the shipped model: teacher -> soft labels -> GloVe student.

    python benchmarks/distill.py teacher --data-root ../shared/data   # resumable
    python benchmarks/distill.py label   --data-root ../shared/data   # resumable
    python benchmarks/distill.py student --data-root ../shared/data   # < 20 min
    python benchmarks/distill.py final   --data-root ../shared/data   # once, at the end

Every stage trains only on the training side of :mod:`sentirec.sentiment.corpora`; the
validation splits choose, the final splits are left alone. Intermediate state lives under
``var/distill/`` (gitignored); each stage appends its figures to
``benchmarks/results/distill.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentirec.sentiment.bundle import load_bundle  # noqa: E402
from sentirec.sentiment.corpora import load_corpora  # noqa: E402
from sentirec.sentiment.distill import (  # noqa: E402
    Augmenter,
    glove_neighbours,
    save_soft_labels,
    teacher_probs,
    transfer_set,
)
from sentirec.sentiment.embeddings import load_vectors  # noqa: E402
from sentirec.sentiment.evaluation import evaluate  # noqa: E402
from sentirec.sentiment.recipe import build_default  # noqa: E402
from sentirec.sentiment.text import tokenize  # noqa: E402
from sentirec.sentiment.training import TrainConfig, train  # noqa: E402

WORK = ROOT / "var" / "distill"
RESULTS = ROOT / "benchmarks" / "results" / "distill.jsonl"
SOFT_LABELS = ROOT / "benchmarks" / "results" / "distill-soft-labels.tsv.gz"
COPIES = 4  # augmented copies of every SST-2 row and review sentence of 4+ words
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


def cmd_label(args: argparse.Namespace) -> None:
    corpora = load_corpora(args.data_root)
    teacher = load_bundle(WORK / "teacher.bundle")
    texts, reviews = corpora.sst2_train[0], corpora.blitzer_train[0]
    vocab = {w for t in [*texts, *reviews] for w in tokenize(t)}
    augmenter = Augmenter(glove_neighbours(vocab, load_vectors("glove")))
    held = [*corpora.val("both")[0], *corpora.sst2_final[0], *corpora.blitzer_final[0]]
    transfer = transfer_set(texts, reviews, augmenter, COPIES, seed=0, exclude=held)
    started = time.perf_counter()
    probs = teacher_probs(teacher, transfer, shard_dir=WORK / "label")
    save_soft_labels(SOFT_LABELS, transfer, probs, teacher=teacher.version, copies=COPIES)
    record(
        "label",
        teacher=teacher.version,
        n=len(transfer),
        seconds_this_run=round(time.perf_counter() - started, 1),
        sha256=hashlib.sha256(SOFT_LABELS.read_bytes()).hexdigest(),
    )


def cmd_student(args: argparse.Namespace) -> None:
    """The shipped recipe's members on gold training rows + the teacher's soft rows.

    The rebuild scores its bundle on every validation split (``accuracy_*`` in its
    metrics); speed is ``benchmarks/model_speed.py``'s job."""
    started = time.perf_counter()
    bundle = build_default(
        args.data_root,
        WORK / "student.bundle",
        progress=not args.quiet,
        soft_labels=SOFT_LABELS,
        teacher_weight=args.teacher_weight,
    )
    record(
        "student",
        version=bundle.version,
        seconds=round(time.perf_counter() - started, 1),
        bytes=(WORK / "student.bundle").stat().st_size,
        **{k: v for k, v in bundle.metrics.items() if k.startswith("accuracy_")},
    )


def cmd_final(args: argparse.Namespace) -> None:
    """Score a candidate once on the untouched final splits."""
    corpora = load_corpora(args.data_root)
    bundle = load_bundle(args.model)
    record(
        "final",
        model=str(args.model),
        version=bundle.version,
        sst2_final=evaluate(bundle, *corpora.sst2_final)["accuracy"],
        blitzer_final=evaluate(bundle, *corpora.blitzer_final)["accuracy"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="stage", required=True)
    p = sub.add_parser("teacher")
    p.add_argument("--data-root", default="../shared/data")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_teacher)
    p = sub.add_parser("label")
    p.add_argument("--data-root", default="../shared/data")
    p.set_defaults(func=cmd_label)
    p = sub.add_parser("student")
    p.add_argument("--data-root", default="../shared/data")
    p.add_argument("--teacher-weight", type=float, default=1.0)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_student)
    p = sub.add_parser("final")
    p.add_argument("--data-root", default="../shared/data")
    p.add_argument("--model", default=str(WORK / "student.bundle"))
    p.set_defaults(func=cmd_final)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
