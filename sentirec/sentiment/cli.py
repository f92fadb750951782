"""``python -m sentirec.sentiment train|label|evaluate|predict|rebuild|bench``.

Every user error (unknown kind, unreadable path, bad bundle) is one line on stderr and
exit status 2; nothing prints a traceback for a mistake in the arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .bundle import default_bundle_path, load_bundle
from .datasets import Dataset, load_spec


def _merge(specs: Sequence[str]) -> Dataset:
    examples = [example for spec in specs for example in load_spec(spec).examples]
    return Dataset("+".join(spec.partition(":")[0] for spec in specs), examples)


def _hparam(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def _training_rows(args: argparse.Namespace) -> tuple[list[str], list[int], list[float] | None]:
    """Texts, labels and teacher probabilities (None: no distillation) for ``train``."""
    from .distill import teacher_probs, with_soft_rows

    if not args.data and not args.soft_labels:
        raise ValueError("train needs --data, --soft-labels or both")
    data = _merge(args.data) if args.data else Dataset("none", [])
    texts, labels = list(data.texts), list(data.labels)
    probs = teacher_probs(load_bundle(args.teacher), texts) if args.teacher else None
    if args.soft_labels:
        texts, labels, probs, _ = with_soft_rows(texts, labels, probs, args.soft_labels)
    return texts, labels, probs


def cmd_train(args: argparse.Namespace) -> int:
    from .training import TrainConfig, train

    texts, labels, probs = _training_rows(args)
    val = _merge(args.val_data) if args.val_data else None
    config = TrainConfig(
        arch=args.arch,
        hparams=dict(args.hparam or []),
        embeddings=None if args.embeddings == "random" else args.embeddings,
        freeze_embeddings=args.freeze_embeddings,
        lr=args.lr,
        batch_size=args.batch_size,
        epochs=args.epochs,
        patience=args.patience,
        val_fraction=args.val_fraction,
        seed=args.seed,
        max_tokens=args.max_tokens,
        teacher_weight=args.teacher_weight if probs is not None else 0.0,
        device=args.device,
    )
    result = train(
        texts,
        labels,
        config,
        val.texts if val else None,
        val.labels if val else None,
        progress=not args.quiet,
        teacher_probs=probs,
        checkpoint_dir=args.checkpoint_dir,
    )
    result.bundle.save(args.out)
    print(json.dumps({"out": str(args.out), "version": result.bundle.version, **result.metrics}))
    return 0


def cmd_label(args: argparse.Namespace) -> int:
    from .distill import save_soft_labels, teacher_probs

    teacher = load_bundle(args.teacher)
    data = _merge(args.data)
    probs = teacher_probs(teacher, data.texts, shard_dir=args.shard_dir)
    save_soft_labels(args.out, data.texts, probs, teacher=teacher.version, data=args.data)
    print(json.dumps({"out": str(args.out), "teacher": teacher.version, "n": len(probs)}))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation import evaluate
    from .predictor import Predictor

    bundle = load_bundle(args.model)
    data = load_spec(args.data)
    result = evaluate(
        Predictor(bundle, device=args.device, batch_size=args.batch_size), data.texts, data.labels
    )
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{args.data}: accuracy {result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f}  "
            f"n {result['n']}  {result['reviews_per_s']:.0f} reviews/s  ({bundle.version})"
        )
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from .predictor import Predictor

    predictor = Predictor(load_bundle(args.model or default_bundle_path()), device=args.device)
    for text, p in zip(args.texts, predictor.predict(args.texts), strict=True):
        if args.json:
            print(
                json.dumps(
                    {
                        "text": text,
                        "label": p.label,
                        "score": p.score,
                        "confidence": p.confidence,
                        "highlights": p.highlights,
                    }
                )
            )
        else:
            words = ", ".join(w for w, _ in p.highlights)
            print(f"{p.label:8} {p.score:+.3f} (confidence {p.confidence:.2f}) [{words}]  {text}")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from .recipe import build_default

    _require_folder(args.data_root)
    bundle = build_default(
        args.data_root,
        args.out,
        epochs=args.epochs,
        progress=not args.quiet,
        soft_labels=args.soft_labels,
    )
    report = {k: v for k, v in bundle.metrics.items() if k.startswith(("accuracy_", "build_"))}
    print(
        json.dumps(
            {"out": str(args.out or default_bundle_path()), "version": bundle.version, **report}
        )
    )
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    _require_folder(args.data_root)
    if args.shipped_only:
        from .bench import refresh_shipped

        scores = refresh_shipped(Path(args.data_root), Path(args.docs))
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(scores, indent=1), encoding="utf-8")
        return 0
    results = run_bench(
        Path(args.data_root),
        Path(args.docs),
        epochs=args.epochs,
        models=args.models,
        train_limit=args.train_limit,
    )
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


def _require_folder(path: str) -> None:
    if not Path(path).is_dir():
        raise ValueError(f"data root {path!r} is not a folder (expected shared/data)")


def build_parser() -> argparse.ArgumentParser:
    from .architectures import ARCHITECTURES

    parser = argparse.ArgumentParser(
        prog="python -m sentirec.sentiment", description="Train, evaluate and run sentiment models."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train a model and save a bundle")
    p.add_argument("--arch", required=True, choices=sorted(ARCHITECTURES))
    p.add_argument("--data", action="append", metavar="KIND:PATH", help="labelled data")
    p.add_argument(
        "--teacher", metavar="BUNDLE", help="distil: train on this model's probabilities"
    )
    p.add_argument(
        "--soft-labels",
        metavar="FILE",
        help="distil: also train on the texts of a soft-label file (see 'label')",
    )
    p.add_argument(
        "--teacher-weight",
        type=float,
        default=1.0,
        help="with --teacher/--soft-labels: target = (1-w) * label + w * teacher (default 1)",
    )
    p.add_argument(
        "--val-data",
        action="append",
        metavar="KIND:PATH",
        help="fixed validation set (default: a split of --data)",
    )
    p.add_argument("--out", required=True)
    p.add_argument("--embeddings", default="glove", help="glove, random, or a GloVe .txt path")
    p.add_argument("--freeze-embeddings", action="store_true")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--patience", type=int, default=3)
    p.add_argument("--val-fraction", type=float, default=0.4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-tokens", type=int, default=256)
    p.add_argument(
        "--hparam",
        type=_hparam,
        action="append",
        metavar="KEY=VALUE",
        help="architecture hyper-parameter, e.g. hidden=64 (JSON values)",
    )
    p.add_argument("--device")
    p.add_argument(
        "--checkpoint-dir",
        help="minilm: save progress here every 50 batches and resume from it when run again",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("label", help="a teacher's soft labels for texts, kept in a file")
    p.add_argument("--teacher", required=True, metavar="BUNDLE")
    p.add_argument("--data", required=True, action="append", metavar="KIND:PATH")
    p.add_argument("--out", required=True, help="gzip TSV to write")
    p.add_argument("--shard-dir", help="save progress here and resume from it when run again")
    p.set_defaults(func=cmd_label)

    p = sub.add_parser("evaluate", help="accuracy, macro-F1 and speed of a bundle on a dataset")
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True, metavar="KIND:PATH")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--device")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", help="score texts given on the command line")
    p.add_argument("--model", help="bundle file (default: the shipped model)")
    p.add_argument("texts", nargs="+", metavar="TEXT")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--device")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("rebuild", help="train the shipped default model from scratch")
    p.add_argument("--data-root", default="../shared/data", help="folder holding sst2/ etc.")
    p.add_argument("--out", help="bundle path (default: the packaged default model)")
    p.add_argument("--epochs", type=int, help="override the recipe's maximum epochs")
    p.add_argument(
        "--soft-labels",
        metavar="FILE",
        help="distil the members from a teacher's soft-label file (see 'label'); the shipped"
        " model uses benchmarks/results/distill-soft-labels.tsv.gz",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("bench", help="train and compare every architecture and baseline")
    p.add_argument("--data-root", default="../shared/data", help="folder holding sst2/ etc.")
    p.add_argument("--docs", default="docs/benchmarks.md", help="markdown file to update")
    p.add_argument("--epochs", type=int, help="override the recipe's maximum epochs")
    p.add_argument("--models", nargs="+", help="subset of architectures/baselines")
    p.add_argument("--train-limit", type=int, help="cap each training source at N examples")
    p.add_argument("--json-out", help="also write the raw numbers here")
    p.add_argument(
        "--shipped-only",
        action="store_true",
        help="only re-score the shipped model and replace its rows in --docs",
    )
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # DatasetError, BundleError, EmbeddingError, bad config values
        print(f"error: {exc}", file=sys.stderr)
        return 2
