"""Baselines the offline evaluation runs beside sentirec's model, in the same split.

Rating: global, user and item averages (as LibRec computes them) and biased matrix
factorisation (the TrustSVD trainer with the trust and implicit terms switched off, its
regularisation tuned per dataset kind like sentirec's own model).
Ranking: popularity and BPR-MF (Rendle et al. 2009), trained with PyTorch.

Every baseline has ``fit(users, items, values, trust=None, rating_range=None, item_groups=None,
progress=False)`` and ``predict(users, items, item_groups=None)`` (rating) or ``item_ids`` +
``scores(users)`` (ranking); what a baseline cannot use it ignores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
from tqdm.auto import tqdm

from sentirec.recommend.social_mf import SocialFactorConfig, SocialFactorModel


class MeanBaseline:
    """Predicts the global mean, or the user's / item's mean rating (global mean when the
    user or item has no training rating)."""

    def __init__(self, by: str = "global"):
        if by not in ("global", "user", "item"):
            raise ValueError(f"unknown average {by!r}")
        self.by = by

    def fit(self, users, items, values, trust=None, rating_range=None, item_groups=None,
            progress=False):  # fmt: skip
        values = np.asarray(values, dtype=float)
        self.global_mean = float(values.mean())
        keys = {"global": None, "user": users, "item": items}[self.by]
        if keys is not None:
            self.ids, index = np.unique(keys, return_inverse=True)
            self.means = np.bincount(index, values) / np.bincount(index)
        return self

    def predict(self, users, items, item_groups=None) -> np.ndarray:
        keys = {"global": None, "user": users, "item": items}[self.by]
        result = np.full(len(users), self.global_mean)
        if keys is not None:
            keys = np.asarray(keys)
            position = np.minimum(np.searchsorted(self.ids, keys), self.ids.size - 1)
            found = self.ids[position] == keys
            result[found] = self.means[position[found]]
        return result


BIASED_MF = SocialFactorConfig(solver="adam", use_trust=False, use_implicit=False)
"""Biased MF (Koren 2009): the TrustSVD trainer without its trust and implicit terms."""

BIASED_MF_DEFAULTS: dict[str, SocialFactorConfig] = {
    # validation RMSE 0.8021; reg 0.5/1/2/4 x reg_bias 0.5..5 x factors 5/10 searched
    "filmtrust": replace(BIASED_MF, reg=1.0, reg_bias=3.0),
    # validation RMSE 0.9386; reg 1/2/4/8 x reg_bias 1/2/3/5 searched
    "ciaodvd": replace(BIASED_MF, reg=4.0, reg_bias=2.0),
    # validation RMSE 0.9578; reg 2/4/8 x reg_bias 2 searched
    "ciao": replace(BIASED_MF, reg=4.0, reg_bias=2.0),
}
"""Per dataset kind, biased MF's regularisation tuned on validation data like ours."""


def biased_mf(kind: str, seed: int = 0) -> SocialFactorModel:
    """Biased MF with the hyper-parameters tuned for ``kind``."""
    return SocialFactorModel(replace(BIASED_MF_DEFAULTS.get(kind, BIASED_MF), seed=seed))


class Popularity:
    """Ranks every item by its number of training interactions."""

    def fit(self, users, items, values, trust=None, progress=False):
        self.item_ids, counts = np.unique(items, return_counts=True)
        self.counts = counts.astype(float)
        return self

    def scores(self, users) -> np.ndarray:
        return np.tile(self.counts, (len(users), 1))


@dataclass(frozen=True)
class BPRConfig:
    """BPR-MF hyper-parameters: 64 factors like RecBole's published runs; learning rate,
    epochs and L2 chosen on the Last.fm validation split (NDCG@10 0.1523; 0.1535 at
    lr 0.001 and 300 epochs, three times slower)."""

    factors: int = 64
    learning_rate: float = 0.002
    reg: float = 1e-3
    epochs: int = 200
    batch_size: int = 4096
    seed: int = 0


class BPRMF:
    """Matrix factorisation trained with the BPR pairwise loss and uniform negatives."""

    def __init__(self, config: BPRConfig | None = None):
        self.config = config or BPRConfig()

    def fit(self, users, items, values, trust=None, progress=False):
        c = self.config
        generator = torch.Generator().manual_seed(c.seed)
        self.user_ids, u = np.unique(users, return_inverse=True)
        self.item_ids, i = np.unique(items, return_inverse=True)
        user_emb = torch.nn.Embedding(self.user_ids.size, c.factors)
        item_emb = torch.nn.Embedding(self.item_ids.size, c.factors)
        for table in (user_emb, item_emb):
            torch.nn.init.xavier_normal_(table.weight, generator=generator)
        optimiser = torch.optim.Adam([user_emb.weight, item_emb.weight], lr=c.learning_rate)
        pairs_u, pairs_i = torch.from_numpy(u), torch.from_numpy(i)
        n = pairs_u.numel()
        for _ in tqdm(range(c.epochs), desc="bpr", disable=not progress, leave=False):
            order = torch.randperm(n, generator=generator)
            for start in range(0, n, c.batch_size):
                batch = order[start : start + c.batch_size]
                negative = torch.randint(
                    0, self.item_ids.size, (batch.numel(),), generator=generator
                )
                pu = user_emb(pairs_u[batch])
                pi, pj = item_emb(pairs_i[batch]), item_emb(negative)
                margin = (pu * (pi - pj)).sum(1)
                l2 = pu.pow(2).sum() + pi.pow(2).sum() + pj.pow(2).sum()
                loss = -torch.nn.functional.logsigmoid(margin).mean() + c.reg * l2 / batch.numel()
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
        self.user_vectors = user_emb.weight.detach().numpy()
        self.item_vectors = item_emb.weight.detach().numpy()
        return self

    def scores(self, users) -> np.ndarray:
        users = np.asarray(users)
        position = np.minimum(np.searchsorted(self.user_ids, users), self.user_ids.size - 1)
        known = self.user_ids[position] == users
        vectors = np.where(known[:, None], self.user_vectors[position], 0.0)
        return vectors @ self.item_vectors.T
