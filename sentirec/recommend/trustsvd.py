"""Rating objective: a TrustSVD-style model trained full-batch with Adam in PyTorch.

A user's effective vector is her own factors plus the normalised sums of the implicit
vectors of the items she rated (SVD++) and of the trust vectors of the people she trusts
(TrustSVD), so a user who rated nothing but trusts someone still gets a personal vector::

    r(u, j) = mu + b_u + b_j + q_j . (p_u + |I_u|^-1/2 sum_i y_i + |T_u|^-1/2 sum_v w_v)

The trust graph is also reconstructed, ``p_u . w_v ~ 1`` for every edge (weight
``trust_weight``). Regularisation grows with an entity's count as ``(n + 1) ** reg_exponent``
(TrustSVD's weighted-lambda), which is what keeps the many one-rating items in check.
Full-batch training is deterministic under a seed and fast at these sizes.
"""

from __future__ import annotations

import numpy as np
import torch
from tqdm.auto import tqdm

from sentirec.recommend.factors import Factors, Graph


def row_normalised(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> torch.Tensor:
    """Sparse matrix with ``1/sqrt(row count)`` at each (row, col): the SVD++ / TrustSVD sum."""
    counts = np.bincount(rows, minlength=shape[0]).astype(np.float32)
    values = 1.0 / np.sqrt(counts[rows]) if rows.size else np.zeros(0, np.float32)
    index = torch.from_numpy(np.vstack([rows, cols]).astype(np.int64))
    return torch.sparse_coo_tensor(
        index, torch.from_numpy(values.astype(np.float32)), shape, check_invariants=False
    ).coalesce()


def _count_weights(index: np.ndarray, size: int, exponent: float) -> torch.Tensor:
    counts = np.bincount(index, minlength=size).astype(np.float32)
    return torch.from_numpy((counts + 1.0) ** exponent)


def fit_rating(graph: Graph, config, progress: bool = False) -> Factors:
    """Train on ``graph`` with ``config`` (a SocialFactorConfig) and return the factors."""
    generator = torch.Generator().manual_seed(config.seed)
    d, n = config.factors, graph.values.size
    use_trust = config.use_trust and len(graph.trust) > 0

    def init(rows: int) -> torch.Tensor:
        return (torch.randn(rows, d, generator=generator) * config.init_std).requires_grad_()

    p, q = init(graph.n_users), init(graph.n_items)
    y, w = init(graph.n_items), init(graph.n_users)
    user_bias = torch.zeros(graph.n_users, requires_grad=True)
    item_bias = torch.zeros(graph.n_items, requires_grad=True)
    params = [p, q, user_bias, item_bias]
    params += [y] if config.use_implicit else []
    params += [w] if use_trust else []

    users = torch.from_numpy(graph.users.astype(np.int64))
    items = torch.from_numpy(graph.items.astype(np.int64))
    targets = torch.from_numpy(graph.values.astype(np.float32))
    mean = float(targets.mean())
    rated = row_normalised(graph.users, graph.items, (graph.n_users, graph.n_items))
    trusts = row_normalised(graph.trust[:, 0], graph.trust[:, 1], (graph.n_users,) * 2)
    truster = torch.from_numpy(graph.trust[:, 0].astype(np.int64))
    trustee = torch.from_numpy(graph.trust[:, 1].astype(np.int64))
    user_weight = _count_weights(graph.users, graph.n_users, config.reg_exponent)
    item_weight = _count_weights(graph.items, graph.n_items, config.reg_exponent)
    trustee_weight = _count_weights(graph.trust[:, 1], graph.n_users, config.reg_exponent)

    def effective_users() -> torch.Tensor:
        vectors = p
        if config.use_implicit:
            vectors = vectors + torch.sparse.mm(rated, y)
        if use_trust:
            vectors = vectors + torch.sparse.mm(trusts, w)
        return vectors

    def objective() -> torch.Tensor:
        vectors = effective_users()
        predicted = mean + user_bias[users] + item_bias[items]
        predicted = predicted + (vectors[users] * q[items]).sum(1)
        loss = ((predicted - targets) ** 2).sum()
        loss = loss + config.reg * (user_weight @ (p**2).sum(1) + item_weight @ (q**2).sum(1))
        loss = loss + config.reg_bias * (user_weight @ user_bias**2 + item_weight @ item_bias**2)
        if config.use_implicit:
            loss = loss + config.reg * (item_weight @ (y**2).sum(1))
        if use_trust:
            reconstructed = (p[truster] * w[trustee]).sum(1)
            loss = loss + config.trust_weight * ((reconstructed - 1.0) ** 2).sum()
            loss = loss + config.reg * (trustee_weight @ (w**2).sum(1))
        return loss / n

    optimiser = torch.optim.Adam(params, lr=config.learning_rate)
    for _ in tqdm(range(config.epochs), desc="social-mf", disable=not progress, leave=False):
        optimiser.zero_grad()
        objective().backward()
        optimiser.step()

    with torch.no_grad():
        return Factors(
            global_mean=mean,
            user_bias=user_bias.numpy().copy(),
            item_bias=item_bias.numpy().copy(),
            user_vectors=effective_users().numpy().copy(),
            item_vectors=q.numpy().copy(),
            implicit_vectors=y.numpy().copy() if config.use_implicit else None,
            trust_vectors=w.numpy().copy() if use_trust else None,
        )
