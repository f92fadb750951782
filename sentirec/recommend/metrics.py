"""Offline metrics: rating error (RMSE, MAE) and top-k ranking quality (NDCG, recall,
precision), computed as LibRec and RecBole compute them."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def rmse(predicted, actual) -> float:
    """Root mean squared error."""
    diff = np.asarray(predicted, dtype=float) - np.asarray(actual, dtype=float)
    return float(np.sqrt(np.mean(diff**2)))


def mae(predicted, actual) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(np.asarray(predicted, float) - np.asarray(actual, float))))


def top_k(scores: np.ndarray, k: int, exclude: sp.csr_matrix | None = None) -> np.ndarray:
    """Indices of each row's ``k`` best scores, best first; ``exclude``'s non-zeros (the
    training items, in full ranking) never appear."""
    scores = np.array(scores, dtype=float, copy=True)
    if exclude is not None:
        rows, cols = exclude.nonzero()
        scores[rows, cols] = -np.inf
    k = min(k, scores.shape[1])
    best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, best, axis=1), axis=1, kind="stable")
    return np.take_along_axis(best, order, axis=1)


def ranking_metrics(recommended: np.ndarray, relevant: sp.csr_matrix, k: int = 10) -> dict:
    """NDCG@k, Recall@k and Precision@k averaged over the rows with at least one relevant
    item. ``recommended`` is (users, >=k) item indices best first; ``relevant`` is a
    (users, items) matrix whose non-zeros are the held-out items."""
    relevant = relevant.tocsr()
    n_relevant = np.diff(relevant.indptr)
    users = np.flatnonzero(n_relevant)
    hits = np.zeros((users.size, k))
    for row, user in enumerate(users):
        truth = relevant.indices[relevant.indptr[user] : relevant.indptr[user + 1]]
        hits[row] = np.isin(recommended[user, :k], truth)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.cumsum(discounts)[np.minimum(n_relevant[users], k) - 1]
    return {
        f"ndcg@{k}": float(np.mean(hits @ discounts / ideal)),
        f"recall@{k}": float(np.mean(hits.sum(1) / n_relevant[users])),
        f"precision@{k}": float(np.mean(hits.sum(1) / k)),
    }
