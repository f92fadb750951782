"""Rating objective, default solver: Bayesian social matrix factorisation by Gibbs sampling.

Bayesian PMF (Salakhutdinov & Mnih 2008) with biases and a social prior. Each user has a
vector ``[p_u, b_u]`` and each item ``[q_j, b_j]``; ``r(u, j) = mu + b_u + b_j + p_u . q_j``
plus Gaussian noise whose precision is learned (Gamma prior). User and item vectors have
Normal-Wishart hyper-priors, so no regularisation weight needs tuning. The social part is
the prior of SocialMF (Jamali & Ester 2010): a user's vector is drawn around
``(1 - trust_weight) * population mean + trust_weight * mean of the vectors of the
people she trusts``, so someone who rated nothing but trusts others is placed among them.
Items may come in groups (categories, genres): an item's vector is then drawn around its
group's mean, which also gives an item unseen in training a vector from its group alone.

Why sampling rather than an optimiser: averaging over the posterior is what beats point
estimates on these small, sparse rating sets (most items have one or two ratings), and
it leaves only the number of factors and the trust weight to choose. The served factors
are the posterior means of each chain, concatenated across chains (so ``p . q`` averages
the chains); serving stays one dot product.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
from tqdm.auto import tqdm

from sentirec.recommend.factors import Factors, Graph

PRIOR_PSEUDO_COUNT = 2.0
"""beta_0 of the Normal-Wishart hyper-prior: how many pseudo-rows the zero mean is worth."""
GROUP_PSEUDO_COUNT = 1.0
"""How many pseudo-items the population mean is worth in each item group's mean."""
NOISE_PRIOR = 1.0
"""Shape and rate of the Gamma prior on the noise precision (weak)."""


def _wishart(rng: np.random.Generator, df: float, scale: np.ndarray) -> np.ndarray:
    """One draw from Wishart(df, scale) by the Bartlett decomposition."""
    d = scale.shape[0]
    lower = np.linalg.cholesky(scale)
    bartlett = np.zeros((d, d))
    bartlett[np.diag_indices(d)] = np.sqrt(rng.chisquare(df - np.arange(d)))
    bartlett[np.tril_indices(d, -1)] = rng.standard_normal(d * (d - 1) // 2)
    factor = lower @ bartlett
    return factor @ factor.T


def _hyper(rng: np.random.Generator, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw (mean, precision) of the vectors' Normal-Wishart posterior."""
    n, d = vectors.shape
    average = vectors.mean(0)
    scatter = np.cov(vectors.T, bias=True) * n if n > 1 else np.zeros((d, d))
    pseudo = PRIOR_PSEUDO_COUNT + n
    inverse_scale = np.eye(d) + scatter
    inverse_scale += (PRIOR_PSEUDO_COUNT * n / pseudo) * np.outer(average, average)
    inverse_scale = (inverse_scale + inverse_scale.T) / 2
    precision = _wishart(rng, d + n, np.linalg.inv(inverse_scale))
    mean = rng.multivariate_normal(n * average / pseudo, np.linalg.inv(pseudo * precision))
    return mean, precision


def _group_means(
    rng: np.random.Generator, deviations: np.ndarray, groups: np.ndarray, precision: np.ndarray
) -> np.ndarray:
    """Draw each group's offset from the population mean given its items' deviations:
    Gaussian with mean ``sum / (n + GROUP_PSEUDO_COUNT)`` and precision ``(n + ...) Lambda``."""
    n_groups, k = groups.max() + 1, deviations.shape[1]
    counts = np.bincount(groups, minlength=n_groups) + GROUP_PSEUDO_COUNT
    sums = np.zeros((n_groups, k))
    np.add.at(sums, groups, deviations)
    lower = np.linalg.cholesky(precision)
    z = rng.standard_normal((n_groups, k))
    jitter = np.linalg.solve(lower.T, z.T).T / np.sqrt(counts)[:, None]
    return sums / counts[:, None] + jitter


def _draw_rows(
    rng: np.random.Generator,
    pattern: sp.csr_matrix,
    residuals: sp.csr_matrix,
    other: np.ndarray,
    precision: np.ndarray,
    prior_mean: np.ndarray,
    noise: float,
) -> np.ndarray:
    """Draw every row's vector from its Gaussian conditional, all rows in one batch:
    precision_r = Lambda + noise * sum_j v_j v_j', mean_r = precision_r^-1 (Lambda m_r +
    noise * sum_j residual_rj v_j)."""
    n, k = pattern.shape[0], other.shape[1]
    outer = (other[:, :, None] * other[:, None, :]).reshape(-1, k * k)
    row_precision = precision[None] + noise * np.asarray(pattern @ outer).reshape(n, k, k)
    rhs = prior_mean @ precision.T + noise * np.asarray(residuals @ other)
    # with precision = L L': draw = L'^-1 (L^-1 rhs + z), i.e. mean plus N(0, precision^-1);
    # single precision is plenty for these small, well-conditioned systems and 2x faster
    lower = torch.linalg.cholesky(torch.from_numpy(row_precision.astype(np.float32)))
    half = torch.from_numpy(rhs.astype(np.float32))[:, :, None]
    half = torch.linalg.solve_triangular(lower, half, upper=False)
    half += torch.from_numpy(rng.standard_normal((n, k, 1), dtype=np.float32))
    draw = torch.linalg.solve_triangular(lower.mT, half, upper=True)[:, :, 0]
    return draw.numpy().astype(np.float64)


def _chain(
    graph: Graph, config, seed: int, mean: float, groups: np.ndarray | None, steps
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Run one Gibbs chain; return the posterior means of the user vectors, the item
    vectors and the group prior means (last column of each is the bias)."""
    rng = np.random.default_rng(seed)
    d = config.factors
    shape = (graph.n_users, graph.n_items)
    ones = np.ones(graph.values.size)
    pattern = sp.csr_matrix((ones, (graph.users, graph.items)), shape=shape)
    pattern_t = pattern.T.tocsr()
    social = config.use_trust and len(graph.trust) > 0
    if social:
        edges = sp.csr_matrix(
            (np.ones(len(graph.trust)), (graph.trust[:, 0], graph.trust[:, 1])),
            shape=(graph.n_users, graph.n_users),
        )
        out_degree = np.asarray(edges.sum(1)).ravel()
        trust_mean = sp.diags(1.0 / np.maximum(out_degree, 1.0)) @ edges
        trusting = out_degree > 0
    users = rng.normal(0.0, config.init_std, (graph.n_users, d + 1))
    items = rng.normal(0.0, config.init_std, (graph.n_items, d + 1))
    offsets = np.zeros((groups.max() + 1 if groups is not None else 0, d + 1))
    noise = 1.0
    user_sum, item_sum, group_sum, kept = 0.0, 0.0, 0.0, 0
    targets = graph.values - mean
    for step in range(config.burn_in + config.samples):
        # users: item features [q_j, 1] explain r - mu - b_j
        user_mean, user_precision = _hyper(rng, users)
        prior = np.tile(user_mean, (graph.n_users, 1))
        if social:
            pulled = (1 - config.trust_weight) * user_mean + config.trust_weight * (
                trust_mean @ users
            )
            prior[trusting] = pulled[trusting]
        features = np.hstack([items[:, :d], np.ones((graph.n_items, 1))])
        residual = sp.csr_matrix(
            (targets - items[graph.items, d], (graph.users, graph.items)), shape
        )
        users = _draw_rows(rng, pattern, residual, features, user_precision, prior, noise)
        # items: user features [p_u, 1] explain r - mu - b_u
        grouped = offsets[groups] if groups is not None else 0.0
        item_mean, item_precision = _hyper(rng, items - grouped)
        features = np.hstack([users[:, :d], np.ones((graph.n_users, 1))])
        residual = sp.csr_matrix(
            (targets - users[graph.users, d], (graph.items, graph.users)), shape[::-1]
        )
        prior = item_mean + grouped + np.zeros((graph.n_items, 1))
        items = _draw_rows(rng, pattern_t, residual, features, item_precision, prior, noise)
        if groups is not None:
            offsets = _group_means(rng, items - item_mean, groups, item_precision)
        # noise precision from the residuals (Gamma posterior)
        fitted = users[graph.users, d] + items[graph.items, d]
        fitted += np.einsum("nd,nd->n", users[graph.users, :d], items[graph.items, :d])
        sse = float(((targets - fitted) ** 2).sum())
        noise = rng.gamma(NOISE_PRIOR + targets.size / 2, 1.0 / (NOISE_PRIOR + sse / 2))
        if step >= config.burn_in:
            user_sum, item_sum, kept = user_sum + users, item_sum + items, kept + 1
            group_sum = group_sum + item_mean + offsets
        steps.update()
    return user_sum / kept, item_sum / kept, (group_sum / kept if groups is not None else None)


def fit_bayes(graph: Graph, config, progress: bool = False) -> Factors:
    """Train ``config.chains`` Gibbs chains and combine their posterior-mean factors."""
    mean = float(graph.values.mean())
    groups = graph.item_groups
    total = config.chains * (config.burn_in + config.samples)
    with tqdm(total=total, desc="social-bpmf", disable=not progress, leave=False) as steps:
        chains = [
            _chain(graph, config, config.seed + c, mean, groups, steps)
            for c in range(config.chains)
        ]
    d, scale = config.factors, np.sqrt(config.chains)

    def combined(part: int) -> tuple[np.ndarray, np.ndarray]:
        tables = [chain[part] for chain in chains]
        return np.hstack([t[:, :d] for t in tables]) / scale, np.mean([t[:, d] for t in tables], 0)

    user_vectors, user_bias = combined(0)
    item_vectors, item_bias = combined(1)
    group_vectors, group_bias = combined(2) if groups is not None else (None, None)
    return Factors(
        global_mean=mean,
        user_bias=user_bias,
        item_bias=item_bias,
        user_vectors=user_vectors,
        item_vectors=item_vectors,
        implicit_vectors=None,
        trust_vectors=None,
        group_vectors=group_vectors,
        group_bias=group_bias,
    )
