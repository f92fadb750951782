"""Deterministic train/test splits for the offline protocols.

``kfold`` follows LibRec's k-fold cross-validation over ratings; ``ratio_split_per_user``
follows RecBole's ratio-based per-user split (``RS: [0.8, 0.1, 0.1]`` with random order),
including its rule that a user with few interactions still gets one validation and one
test interaction when the train part can spare them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TRAIN, VALID, TEST = 0, 1, 2


def kfold(n: int, k: int = 5, seed: int = 0) -> np.ndarray:
    """Fold number (0..k-1) of each of ``n`` rows: a random partition into near-equal folds."""
    if k < 2 or n < k:
        raise ValueError(f"cannot split {n} rows into {k} folds")
    folds = np.empty(n, dtype=np.int64)
    for fold, rows in enumerate(np.array_split(np.random.default_rng(seed).permutation(n), k)):
        folds[rows] = fold
    return folds


def _part_sizes(total: int, ratios: Sequence[float]) -> list[int]:
    """RecBole's rounding: floor each later part, give the rest to the first, then move one
    row from the first part to each later part whose share rounded down to zero."""
    sizes = [int(r * total) for r in ratios]
    sizes[0] = total - sum(sizes[1:])
    for i in range(1, len(ratios)):
        if sizes[0] <= 1:
            break
        if 0 < ratios[-i] * total < 1:
            sizes[-i] += 1
            sizes[0] -= 1
    return sizes


def ratio_split_per_user(
    users: np.ndarray, ratios: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0
) -> np.ndarray:
    """Part (TRAIN, VALID, TEST, ...) of each row: every user's rows shuffled and cut by
    ``ratios``."""
    users = np.asarray(users)
    rng = np.random.default_rng(seed)
    order = np.argsort(users, kind="stable")
    starts = np.flatnonzero(np.r_[True, users[order][1:] != users[order][:-1]])
    ends = np.r_[starts[1:], users.size]
    parts = np.empty(users.size, dtype=np.int64)
    for start, end in zip(starts, ends, strict=True):
        rows = order[start:end][rng.permutation(end - start)]
        sizes = _part_sizes(end - start, ratios)
        parts[rows] = np.repeat(np.arange(len(sizes)), sizes)
    return parts
