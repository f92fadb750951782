"""The recipe of the shipped default model, and the settings the benchmark trains with.

``python -m sentirec.sentiment rebuild --data-root ../shared/data`` runs :func:`build_default`:
it trains the members (a TextCNN and an NBSVM-started bag of n-grams by default) on SST-2
train + Blitzer train, early-stops them on the fixed validation splits of :mod:`.corpora`,
and combines them into one ensemble bundle whose member weights (``DEFAULT_MIX``) and
temperature are fitted on the same validation data.
"""

from __future__ import annotations

import time
from pathlib import Path

from .bundle import Bundle, default_bundle_path
from .corpora import Corpora, load_corpora
from .distill import with_soft_rows
from .evaluation import evaluate
from .training import TrainConfig, TrainResult, combine, train

# Architecture sizes that fit the speed targets on 2 CPU cores.
ARCH_HPARAMS: dict[str, dict] = {
    "mlp": {"hidden": 256},
    "cnn": {"filters": 100, "widths": [3, 4, 5]},
    "lstm": {"hidden": 96},
    "gru": {"hidden": 128},
    "seqcnn": {"hidden": 64, "filters": 100},
    "ngram": {"buckets": 2**19, "ngrams": 2, "C": 10.0},
}
RECIPE = {
    "lr": 1e-3,
    "lr_decay": 1.0,
    "batch_size": 64,
    "epochs": 4,
    "patience": 2,
    "max_tokens": 256,
    "min_freq": 2,
    "extra_vectors": 0,
}
# Where one architecture departs from RECIPE. The ngram model starts from its NBSVM fit
# (epoch 0, usually the best) and gets one gentle epoch to try to beat it.
ARCH_RECIPE: dict[str, dict] = {"ngram": {"lr": 3e-4, "epochs": 1}}
DEFAULT_MEMBERS = ("cnn", "ngram")
DEFAULT_MIX = "weights"


def recipe_config(arch: str, epochs: int | None = None, seed: int = 0) -> TrainConfig:
    """The shipped recipe's training settings for ``arch``."""
    settings = {**RECIPE, **ARCH_RECIPE.get(arch, {}), **({"epochs": epochs} if epochs else {})}
    return TrainConfig(arch=arch, hparams=dict(ARCH_HPARAMS[arch]), seed=seed, **settings)


def build_default(
    data_root: str | Path,
    out: str | Path | None = None,
    members: tuple[str, ...] = DEFAULT_MEMBERS,
    epochs: int | None = None,
    progress: bool = True,
    mix: str = DEFAULT_MIX,
    soft_labels: str | Path | None = None,
    teacher_weight: float = 1.0,
) -> Bundle:
    """Train the default ensemble from scratch and save it (default: the packaged path).

    With ``soft_labels`` (a file written by ``label``) the members are students: they
    also train on the file's texts, towards ``(1 - teacher_weight) * label +
    teacher_weight * teacher``; the gold rows keep their labels.
    """
    started = time.perf_counter()
    corpora = load_corpora(data_root)
    texts, labels = corpora.train("both")
    probs, meta = None, {}
    if soft_labels is not None:
        texts, labels, probs, meta = with_soft_rows(texts, labels, None, soft_labels)
    val_set = corpora.val("both")
    results: list[TrainResult] = []
    for seed, arch in enumerate(members):
        config = recipe_config(arch, epochs, seed)
        if probs is not None:
            config.teacher_weight = teacher_weight
        results.append(
            train(texts, labels, config, *val_set, progress=progress, teacher_probs=probs)
        )
    bundle = results[0].bundle if len(results) == 1 else combine(results, *val_set, mix=mix)
    if meta:
        bundle.metrics["teacher"] = meta.get("teacher")
    bundle.metrics.update(_validation_report(bundle, corpora))
    bundle.metrics["build_seconds"] = round(time.perf_counter() - started, 1)
    bundle.save(out or default_bundle_path())
    return bundle


def _validation_report(bundle: Bundle, corpora: Corpora) -> dict:
    evals = {
        "sst2_sentences": corpora.sst2_val,
        "blitzer": corpora.blitzer_val,
        "uci": corpora.uci,
        "imdb": corpora.imdb,
    }
    return {
        f"accuracy_{name}": round(evaluate(bundle, *data)["accuracy"], 4)
        for name, data in evals.items()
    }
