"""Offline protocols on the public datasets: sentirec's model beside its baselines.

* ``rating-5fold`` (LibRec v1.3): 5-fold cross-validation over ratings; MAE and RMSE of
  predictions clipped to the dataset's rating range, averaged over folds.
* ``ranking-811`` (RecBole / RecBole-GNN social results): each user's interactions shuffled
  and cut 8:1:1 into train / validation / test; full ranking over all items; NDCG@10,
  Recall@10 and Precision@10 on the test part with the user's train and validation items
  masked (RecBole masks every interaction it showed the model or used for selection).

Tuning is nested (``evaluate(..., grid=...)``, ``evaluate --tune``): in each outer fold the
hyper-parameters are chosen on validation rows carved from that fold's own training part
(rating) or on the validation part of the split (ranking), then the chosen model learns on
the whole training part and is tested; no test row of the run is ever used for choosing.
``tune`` scores a grid once, on the first fold's inner split, to pick a site's defaults: its
validation rows lie in the other folds' test parts, so figures from evaluating defaults
picked that way are optimistic; the published tables come from nested runs.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, replace

import numpy as np
import scipy.sparse as sp
from tqdm.auto import tqdm

from sentirec.recommend.baselines import BPRMF, MeanBaseline, Popularity, biased_mf
from sentirec.recommend.datasets import SocialDataset
from sentirec.recommend.metrics import mae, ranking_metrics, rmse, top_k
from sentirec.recommend.social_mf import (
    DEFAULTS,
    WITHOUT_TRUST,
    SocialFactorConfig,
    SocialFactorModel,
)
from sentirec.recommend.splits import TEST, TRAIN, VALID, kfold, ratio_split_per_user

PROTOCOLS = ("rating-5fold", "ranking-811")
TOP_K = 10
FOLDS = 5
SCORE_BATCH = 512
"""Users scored at once in full ranking (bounds memory: SCORE_BATCH x items floats)."""

RANKING_FALLBACK = replace(DEFAULTS["lastfm"], confidence_scale=1.0)
"""Ranking hyper-parameters for a kind whose tuned default is a rating model: Last.fm's,
with stars rather than play counts as the confidence scale (not tuned)."""


class ProtocolError(ValueError):
    """The protocol does not apply to this dataset or is unknown (one-line message)."""


def default_config(kind: str, protocol: str, use_trust: bool = True) -> SocialFactorConfig:
    """The tuned configuration for a dataset kind under a protocol, with or without the
    trust graph."""
    config = DEFAULTS.get(kind, SocialFactorConfig())
    if protocol == "ranking-811" and config.objective != "ranking":
        config = RANKING_FALLBACK
    if not use_trust:
        config = replace(WITHOUT_TRUST.get(kind, config), use_trust=False)
    return config


# --------------------------------------------------------------------------- rating


def _rating_baselines(kind: str, seed: int) -> dict[str, Callable[[], object]]:
    return {
        "global_average": lambda: MeanBaseline("global"),
        "user_average": lambda: MeanBaseline("user"),
        "item_average": lambda: MeanBaseline("item"),
        "biased_mf": lambda: biased_mf(kind, seed),
    }


def _rating_metrics(
    data: SocialDataset, train: np.ndarray, test: np.ndarray, model
) -> dict[str, float]:
    """RMSE and MAE on the ``test`` rows of ``model`` fitted on the ``train`` rows, its
    predictions clipped to the rating range; item categories, where the dataset has them,
    are passed along as item groups."""
    groups = data.categories
    model.fit(
        data.users[train],
        data.items[train],
        data.values[train],
        trust=data.trust,
        rating_range=data.rating_range,
        item_groups=None if groups is None else groups[train],
        progress=False,
    )
    predicted = model.predict(
        data.users[test], data.items[test], None if groups is None else groups[test]
    )
    predicted = np.clip(predicted, *data.rating_range)
    actual = data.values[test]
    return {"rmse": rmse(predicted, actual), "mae": mae(predicted, actual)}


def _inner_split(train: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows (indices) of an outer training part cut into fitting and validation rows: one
    inner fold of ``FOLDS`` (seed + 1) is the validation part."""
    rows = np.flatnonzero(train)
    inner = kfold(rows.size, FOLDS, seed + 1)
    return rows[inner != 0], rows[inner == 0]


def _rating_score(data: SocialDataset, fit: np.ndarray, valid: np.ndarray):
    """Validation RMSE of a config learning on ``fit`` rows (lower is better)."""

    def score(config: SocialFactorConfig) -> float:
        return _rating_metrics(data, fit, valid, SocialFactorModel(config))["rmse"]

    return score


def rating_5fold(
    data: SocialDataset,
    config: SocialFactorConfig,
    seed: int = 0,
    progress: bool = False,
    grid: Mapping[str, Iterable] | None = None,
) -> tuple[dict, dict, list[dict]]:
    """LibRec-style k-fold cross-validation: (sentirec metrics, {baseline: metrics}, the
    overrides chosen per fold). With ``grid``, each fold chooses ours on validation rows
    carved from its own training part (nested)."""
    if data.implicit:
        raise ProtocolError(f"rating-5fold needs explicit ratings; {data.kind} is implicit")
    folds = kfold(len(data), FOLDS, seed)
    baselines = _rating_baselines(data.kind, seed)
    totals = {name: [] for name in ("sentirec", *baselines)}
    chosen = []
    steps = tqdm(total=FOLDS, desc=f"{data.kind} rating-5fold", disable=not progress)
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        overrides = _best(_rating_score(data, *_inner_split(train, seed)), config, grid, False)
        chosen.append(overrides)
        makers = {
            "sentirec": lambda o=overrides: SocialFactorModel(replace(config, **o)),
            **baselines,
        }
        for name, make in makers.items():
            totals[name].append(_rating_metrics(data, train, test, make()))
        steps.update()
    steps.close()
    averaged = {
        name: {m: float(np.mean([r[m] for r in runs])) for m in runs[0]}
        for name, runs in totals.items()
    }
    return averaged.pop("sentirec"), averaged, chosen


# --------------------------------------------------------------------------- ranking


class _Universe:
    """Index space of all users and items of a dataset, for full-ranking matrices."""

    def __init__(self, data: SocialDataset):
        self.users = np.unique(data.users)
        self.items = np.unique(data.items)
        self.rows = np.searchsorted(self.users, data.users)
        self.cols = np.searchsorted(self.items, data.items)

    def matrix(self, mask: np.ndarray) -> sp.csr_matrix:
        ones = np.ones(int(mask.sum()))
        shape = (self.users.size, self.items.size)
        return sp.csr_matrix((ones, (self.rows[mask], self.cols[mask])), shape=shape)

    def top_items(self, model, history: sp.csr_matrix, k: int = TOP_K) -> np.ndarray:
        """Each user's top-k item columns by ``model.scores``; items the model never saw
        and items in ``history`` are never recommended."""
        columns = np.searchsorted(self.items, model.item_ids)
        best = []
        for start in range(0, self.users.size, SCORE_BATCH):
            users = self.users[start : start + SCORE_BATCH]
            scores = np.full((users.size, self.items.size), -np.inf)
            scores[:, columns] = model.scores(users)
            best.append(top_k(scores, k, history[start : start + users.size]))
        return np.vstack(best)


def _ranking_metrics(
    data: SocialDataset,
    train: np.ndarray,
    universe: _Universe,
    seen: sp.csr_matrix,
    truth: sp.csr_matrix,
    model,
) -> dict[str, float]:
    """NDCG, Recall and Precision at ``TOP_K`` of ``model`` fitted on the ``train`` rows,
    against ``truth``; the items in ``seen`` are never recommended."""
    model.fit(
        data.users[train], data.items[train], data.values[train], trust=data.trust, progress=False
    )
    return ranking_metrics(universe.top_items(model, seen), truth, TOP_K)


def _ranking_baselines() -> dict[str, Callable[[], object]]:
    return {"popularity": Popularity, "bpr_mf": BPRMF}


def _ranking_score(data: SocialDataset, parts: np.ndarray, universe: _Universe):
    """Validation NDCG@10 of a config learning on the train part (higher is better)."""
    history, truth = universe.matrix(parts == TRAIN), universe.matrix(parts == VALID)

    def score(config: SocialFactorConfig) -> float:
        model = SocialFactorModel(config)
        metrics = _ranking_metrics(data, parts == TRAIN, universe, history, truth, model)
        return metrics[f"ndcg@{TOP_K}"]

    return score


def ranking_811(
    data: SocialDataset,
    config: SocialFactorConfig,
    seed: int = 0,
    progress: bool = False,
    grid: Mapping[str, Iterable] | None = None,
) -> tuple[dict, dict, list[dict]]:
    """RecBole-style 8:1:1 per-user split with full ranking: (sentirec, {baseline: metrics},
    [the overrides chosen]). With ``grid``, ours is chosen on the validation part."""
    parts = ratio_split_per_user(data.users, (0.8, 0.1, 0.1), seed)
    universe = _Universe(data)
    history = universe.matrix(parts != TEST)
    truth = universe.matrix(parts == TEST)
    overrides = _best(_ranking_score(data, parts, universe), config, grid, True)
    config = replace(config, **overrides)
    makers = {"sentirec": lambda: SocialFactorModel(config), **_ranking_baselines()}
    results = {}
    for name, make in tqdm(makers.items(), desc=f"{data.kind} ranking-811", disable=not progress):
        results[name] = _ranking_metrics(data, parts == TRAIN, universe, history, truth, make())
    return results.pop("sentirec"), results, [overrides]


# --------------------------------------------------------------------------- tuning


def _combinations(grid: Mapping[str, Iterable]) -> list[dict]:
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]


def _scored(score, base: SocialFactorConfig, grid: Mapping[str, Iterable], higher: bool, progress):
    """Every combination of ``grid`` with its validation score; best first."""
    combos = _combinations(grid)
    steps = tqdm(combos, desc="tune", disable=not progress, leave=False)
    results = [(overrides, score(replace(base, **overrides))) for overrides in steps]
    return sorted(results, key=lambda r: r[1], reverse=higher)


def _best(score, base: SocialFactorConfig, grid: Mapping[str, Iterable] | None, higher: bool):
    """The best overrides of ``grid`` by ``score`` ({} without a grid: ``base`` as is)."""
    return _scored(score, base, grid, higher, False)[0][0] if grid else {}


# --------------------------------------------------------------------------- entry points


def evaluate(
    data: SocialDataset,
    protocol: str,
    config: SocialFactorConfig | None = None,
    use_trust: bool = True,
    seed: int = 0,
    progress: bool = False,
    grid: Mapping[str, Iterable] | None = None,
) -> dict:
    """Run ``protocol`` on ``data`` and return the JSON-ready result object; with ``grid``,
    ours is tuned within the run (nested) and ``tuned`` says what each fold chose."""
    if protocol not in PROTOCOLS:
        raise ProtocolError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    config = replace(config or default_config(data.kind, protocol, use_trust), use_trust=use_trust)
    runner = rating_5fold if protocol == "rating-5fold" else ranking_811
    started = time.perf_counter()
    ours, baselines, chosen = runner(data, config, seed, progress, grid)
    tuned = {
        "grid": {name: list(values) for name, values in (grid or {}).items()},
        "chosen": chosen,
    }
    return {
        "dataset": data.kind,
        "protocol": protocol,
        "sentirec": ours,
        "baselines": baselines,
        "trust": use_trust,
        "seconds": round(time.perf_counter() - started, 1),
        "config": asdict(config),
        **({"tuned": tuned} if grid else {}),
    }


def tune(
    data: SocialDataset,
    protocol: str,
    grid: Mapping[str, Iterable],
    base: SocialFactorConfig | None = None,
    seed: int = 0,
    progress: bool = False,
) -> list[tuple[dict, float]]:
    """Score every combination of ``grid`` values on validation data; best first. The
    score is validation RMSE (rating: the first fold's inner split) or validation NDCG@10
    (ranking). For a site's defaults; evaluation tunes nested (``evaluate(grid=...)``)."""
    if protocol not in PROTOCOLS:
        raise ProtocolError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    base = base or default_config(data.kind, protocol)
    if protocol == "rating-5fold":
        first_train = kfold(len(data), FOLDS, seed) != 0
        return _scored(
            _rating_score(data, *_inner_split(first_train, seed)), base, grid, False, progress
        )
    parts = ratio_split_per_user(data.users, (0.8, 0.1, 0.1), seed)
    return _scored(_ranking_score(data, parts, _Universe(data)), base, grid, True, progress)
