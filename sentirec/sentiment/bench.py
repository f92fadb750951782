"""The benchmark: every architecture and two baselines, in-domain and cross-domain.

Each training run happens in a fresh child process so its peak memory is its own. Results
go to the ``<!-- sentiment:start -->`` section of ``docs/benchmarks.md`` plus PNG plots.
scikit-learn and vaderSentiment are only needed here (``pip install sentirec[bench]``).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from .architectures import ARCHITECTURES
from .bundle import default_bundle_path, load_bundle
from .corpora import Corpora, load_corpora
from .evaluation import evaluate, peak_rss_mb
from .markdown import markers, write_section
from .metrics import classification_metrics
from .plots import accuracy_throughput_png, confusion_matrix_png, training_curve_png
from .recipe import ARCH_HPARAMS, RECIPE, recipe_config
from .training import train

START, END = markers("sentiment")
Split = tuple[list[str], list[int]]


@dataclass
class Row:
    """One model trained on one training set, scored on several evaluation sets."""

    model: str
    trained_on: str
    train_seconds: float
    peak_rss_mb: float
    scores: dict  # eval-set name -> evaluate()-style dict


def _baseline_tfidf(train_set: Split) -> Callable[[Sequence[str]], list[int]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=2000),
    )
    model.fit(*train_set)
    return lambda texts: model.predict(list(texts)).tolist()


def _baseline_vader(_: Split) -> Callable[[Sequence[str]], list[int]]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda texts: [int(analyzer.polarity_scores(t)["compound"] >= 0) for t in texts]


BASELINES = {"tfidf-logreg": _baseline_tfidf, "vader": _baseline_vader}


def _score_fn(
    predict: Callable[[Sequence[str]], list[int]], texts: list[str], labels: list[int]
) -> dict:
    started = time.perf_counter()
    y_pred = predict(texts)
    seconds = time.perf_counter() - started
    return {
        **classification_metrics(labels, y_pred),
        "reviews_per_s": round(len(texts) / max(seconds, 1e-9), 1),
    }


#: Share of the training rows (group-aware, see :func:`.splits.group_split`) that a deep
#: model early-stops on: the evaluation sets never choose an epoch.
SELECTION_FRACTION = 0.1


def _job(
    model: str,
    trained_on: str,
    train_set: Split,
    evals: dict[str, Split],
    epochs: int | None,
) -> Row:
    """Runs in a child process: train (early-stopping on a carve of ``train_set``), then
    score on every evaluation set."""
    started = time.perf_counter()
    if model in BASELINES:
        predict = BASELINES[model](train_set)
        seconds = time.perf_counter() - started
        scores = {name: _score_fn(predict, *data) for name, data in evals.items()}
    else:
        config = recipe_config(model, epochs=epochs)
        config.val_fraction = SELECTION_FRACTION
        result = train(*train_set, config, progress=False)
        seconds = result.seconds
        scores = {name: evaluate(result.bundle, *data) for name, data in evals.items()}
    return Row(model, trained_on, round(seconds, 1), peak_rss_mb(), scores)


def _run(jobs: list[tuple]) -> list[Row]:
    rows = []
    ctx = get_context("spawn")
    for job in jobs:
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            row = pool.submit(_job, *job).result()
        print(
            f"  {row.model:12} on {row.trained_on:8} {row.train_seconds:7.1f}s  "
            + "  ".join(f"{k} {v['accuracy']:.3f}" for k, v in row.scores.items()),
            flush=True,
        )
        rows.append(row)
    return rows


def _fmt_table(header: Sequence[str], rows: list[Sequence]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _limit(split: Split, n: int | None) -> Split:
    """A seeded sample of at most ``n`` examples (the whole split when ``n`` is None)."""
    if n is None or len(split[0]) <= n:
        return split
    idx = sorted(random.Random(0).sample(range(len(split[0])), n))
    return [split[0][i] for i in idx], [split[1][i] for i in idx]


def run_bench(
    data_root: Path,
    docs: Path,
    epochs: int | None = None,
    models: Sequence[str] | None = None,
    shipped: Path | None = None,
    train_limit: int | None = None,
) -> dict:
    """Train and score everything; write the docs section and plots; return the raw numbers.

    ``train_limit`` caps each training source (SST-2, Blitzer) at that many examples, to
    fit the whole comparison into a CPU budget; validation sets are never reduced.
    """
    corpora = load_corpora(data_root)
    corpora.sst2_train = _limit(corpora.sst2_train, train_limit)
    corpora.blitzer_train = _limit(corpora.blitzer_train, train_limit)
    models = list(models or [*ARCHITECTURES, *BASELINES])
    in_domain = {"sst2-sentences": corpora.sst2_val, "blitzer": corpora.blitzer_val}
    print("in-domain: train on SST-2 + Blitzer", flush=True)
    main_rows = _run([(m, "both", corpora.train("both"), in_domain, epochs) for m in models])
    cross_evals = {**in_domain, "uci": corpora.uci, "imdb": corpora.imdb}
    cross_models = [m for m in ("cnn", "tfidf-logreg") if m in models]
    print("cross-domain", flush=True)
    cross_rows = _run(
        [
            (m, src, corpora.train(src), cross_evals, epochs)
            for m in cross_models
            for src in ("sst2", "blitzer", "both")
        ]
    )
    docs.parent.mkdir(parents=True, exist_ok=True)
    figures = docs.parent / "img"
    figures.mkdir(exist_ok=True)
    shipped_scores = _shipped(shipped or default_bundle_path(), corpora, figures)
    limit = f", at most {train_limit} examples per training source" if train_limit else ""
    settings = f"at most {epochs or RECIPE['epochs']} epochs{limit}"
    section = _markdown(main_rows, cross_rows, shipped_scores, corpora, settings)
    points = [
        (
            r.model,
            r.scores["sst2-sentences"]["reviews_per_s"],
            r.scores["sst2-sentences"]["accuracy"],
        )
        for r in main_rows
    ]
    if shipped_scores:
        sst = shipped_scores["scores"]["sst2-sentences"]
        points.append(("shipped (full data)", sst["reviews_per_s"], sst["accuracy"]))
    (figures / "sentiment-accuracy-vs-throughput.png").write_bytes(
        accuracy_throughput_png(points, "SST-2 sentence validation, trained on SST-2 + Blitzer")
    )
    write_section(docs, "sentiment", section)
    return {
        "main": [r.__dict__ for r in main_rows],
        "cross": [r.__dict__ for r in cross_rows],
        "shipped": shipped_scores,
    }


def _shipped(path: Path, corpora: Corpora, figures: Path) -> dict:
    if not path.exists():
        return {}
    bundle = load_bundle(path)
    evals = {
        "sst2-sentences": corpora.sst2_val,
        "blitzer": corpora.blitzer_val,
        "uci": corpora.uci,
        "imdb": corpora.imdb,
    }
    scores = {name: evaluate(bundle, *data) for name, data in evals.items()}
    members = bundle.metrics.get("members") or []
    # an ensemble has no history of its own: draw its first (neural) member's
    history = bundle.metrics.get("history") or next(
        (m["history"] for m in members if m.get("history")), None
    )
    if history:
        (figures / "sentiment-shipped-training-curve.png").write_bytes(training_curve_png(history))
    (figures / "sentiment-shipped-confusion.png").write_bytes(
        confusion_matrix_png(scores["blitzer"]["confusion"], bundle.labels)
    )
    return {
        "version": bundle.version,
        "arch": bundle.arch,
        "members": [m["arch"] for m in members],
        "scores": scores,
    }


def _markdown(
    main_rows: list[Row], cross_rows: list[Row], shipped: dict, corpora: Corpora, settings: str
) -> str:
    header = ["model", "eval set", "accuracy", "macro-F1", "train s", "peak MiB", "reviews/s"]
    table = [
        [
            r.model,
            name,
            f"{s['accuracy']:.4f}",
            f"{s['macro_f1']:.4f}",
            r.train_seconds,
            r.peak_rss_mb,
            f"{s['reviews_per_s']:.0f}",
        ]
        for r in main_rows
        for name, s in r.scores.items()
    ]
    cross_names = list(cross_rows[0].scores) if cross_rows else []
    cross = [
        [r.model, r.trained_on, *(f"{r.scores[n]['accuracy']:.4f}" for n in cross_names)]
        for r in cross_rows
    ]
    parts = [
        "## Sentiment engine",
        "",
        f"Generated by `python benchmarks/sentiment.py` ({time.strftime('%Y-%m-%d')}, "
        "2 CPU cores). Validation splits are carved from `shared/data` with a fixed seed "
        f"({corpora.describe()}); the official held-out sets are not used here. Deep models use "
        f"the shipped recipe's settings ({json.dumps(ARCH_HPARAMS)}), {settings}, and "
        f"early-stop on {SELECTION_FRACTION:.0%} of their training rows (phrases with their "
        "sentences), never on the sets they are scored on. "
        f"5-minute load average at the end: {os.getloadavg()[1]:.1f} (2 cores; above 1-2 is "
        "other work on the machine, which slows training and lowers reviews/s).",
        "",
        "### In-domain (trained on SST-2 train + Blitzer train)",
        "",
        "reviews/s is `Predictor.predict` with highlights, one process: attention for cnn and "
        "lstm, exact n-gram contributions for ngram, a gradient-salience backward pass for "
        "mlp, gru and seqcnn (hence their lower speed on long reviews).",
        "",
        _fmt_table(header, table),
        "",
        "### Cross-domain accuracy (rows: training set; columns: evaluation set)",
        "",
        _fmt_table(["model", "trained on", *cross_names], cross),
        "",
    ]
    if shipped:
        parts += [_shipped_markdown(shipped)]
    parts += [_THROUGHPUT_FIGURE, ""]
    return "\n".join(parts)


_SHIPPED_HEADING = "### Shipped model"
_THROUGHPUT_FIGURE = "![accuracy vs throughput](img/sentiment-accuracy-vs-throughput.png)"


def _shipped_markdown(shipped: dict, note: str = "") -> str:
    arch = shipped.get("arch", "")
    members = shipped.get("members") or []
    what = f" ({' + '.join(members)})" if members else (f" ({arch})" if arch else "")
    lines = [f"{_SHIPPED_HEADING} `{shipped['version']}`{what}", ""]
    if note:
        lines += [note, ""]
    lines += [
        _fmt_table(
            ["eval set", "accuracy", "macro-F1", "ECE", "reviews/s"],
            [
                [
                    n,
                    f"{s['accuracy']:.4f}",
                    f"{s['macro_f1']:.4f}",
                    s["ece"],
                    f"{s['reviews_per_s']:.0f}",
                ]
                for n, s in shipped["scores"].items()
            ],
        ),
        "",
        "![training curve](img/sentiment-shipped-training-curve.png) "
        "![confusion matrix on Blitzer validation](img/sentiment-shipped-confusion.png)",
        "",
    ]
    return "\n".join(lines)


def refresh_shipped(data_root: Path, docs: Path, shipped: Path | None = None) -> dict:
    """Re-score only the shipped model and replace its subsection of the docs section.

    The rest of the section (the architecture comparison) is left as it was generated.
    """
    corpora = load_corpora(data_root)
    figures = docs.parent / "img"
    figures.mkdir(parents=True, exist_ok=True)
    scores = _shipped(shipped or default_bundle_path(), corpora, figures)
    if not scores:
        raise ValueError(f"no shipped bundle at {shipped or default_bundle_path()}")
    import torch

    note = (
        f"Re-scored alone with `python benchmarks/sentiment.py --shipped-only` "
        f"({time.strftime('%Y-%m-%d')}, {torch.get_num_threads()} torch thread(s), "
        f"5-minute load average {os.getloadavg()[1]:.1f} on 2 cores)."
    )
    text = docs.read_text(encoding="utf-8") if docs.exists() else ""
    head, start, rest = text.partition(START)
    section, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"{docs} has no sentiment section; run the full bench first")
    before, heading, after = section.partition(_SHIPPED_HEADING)
    if heading:
        _, figure, after = after.partition(_THROUGHPUT_FIGURE)
    else:
        before, figure, after = section.partition(_THROUGHPUT_FIGURE)
    body = f"{before.rstrip()}\n\n{_shipped_markdown(scores, note)}\n{figure}{after}"
    docs.write_text(f"{head}{START}{body}{END}{tail}", encoding="utf-8")
    return scores
