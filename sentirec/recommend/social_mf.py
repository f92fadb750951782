"""The learned model: user/item factors from ratings, the trust graph and review sentiment.

``SocialFactorModel`` is the one facade the offline evaluation and the Django side use.
It is not the published SocialMF (Jamali & Ester 2010), which the offline tables list
as a baseline: by default it is a Bayesian social factor model sampled by Gibbs that
borrows SocialMF's trust prior. It works with raw ids (database primary keys or dataset
ids), trains one of two objectives and serves predictions from a plain dict of numpy
arrays, so a site can store a trained model and serve it without retraining or torch:

* ``objective="rating"`` - regression on stars (or on the opinion blend of stars and review
  sentiment when sentiment is given): Bayesian social MF by Gibbs sampling (``bayes_mf``,
  the default ``solver="gibbs"``) or TrustSVD trained with Adam (``trustsvd``,
  ``solver="adam"``);
* ``objective="ranking"`` - implicit-feedback ALS with a social pull (play counts, views),
  see ``social_als``.

Cold start: an unknown user gets the global mean plus the item's bias (rating) or nothing
personal (ranking); an unknown user whose trustees are known is folded in from them, as
in TrustSVD; an unknown item gets the global mean plus the user's bias.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

import numpy as np

from sentirec.recommend.factors import Factors, Graph
from sentirec.recommend.scoring import STAR_MAX, STAR_MIN, OpinionParams, opinion_values

OBJECTIVES = ("rating", "ranking")
SOLVERS = ("gibbs", "adam")


@dataclass(frozen=True)
class SocialFactorConfig:
    """Hyper-parameters (``DEFAULTS`` holds the values tuned per dataset kind).

    objective: "rating" (explicit stars, RMSE) or "ranking" (implicit feedback, NDCG).
    solver: rating only: "gibbs" (Bayesian, no regularisation to tune) or "adam" (TrustSVD).
    factors: latent dimensions (per chain for gibbs).
    use_trust: learn from the trust graph (False gives the no-trust ablation).
    use_implicit: adam only: add the SVD++ term over the items a user rated.
    use_groups: gibbs only: use the item groups passed to ``fit`` (False: ablation).
    reg: adam and ranking: L2 weight on factors, scaled per entity by
        ``(count + 1) ** reg_exponent``.
    reg_bias: adam: L2 weight on user and item biases, scaled the same way.
    reg_exponent: how fast regularisation grows with an entity's number of ratings.
    trust_weight: how much the trust graph counts. gibbs: share of a user's prior mean
        taken from her trustees (0..1); adam: weight of the trust-reconstruction loss
        (TrustSVD's lambda_t); ranking: pull of a user's factors toward her trustees' mean.
    learning_rate: adam step size.
    epochs: adam full-batch steps or ranking ALS sweeps.
    burn_in, samples, chains: gibbs: discarded sweeps, averaged sweeps, independent chains.
    init_std: scale of the random initial factors.
    confidence: ranking: confidence gained per ``log1p(value / confidence_scale)``.
    confidence_scale: ranking: value (e.g. play count) at which confidence starts to grow
        logarithmically rather than linearly.
    seed: random seed; training is deterministic under it.
    """

    objective: str = "rating"
    solver: str = "gibbs"
    factors: int = 10
    use_trust: bool = True
    use_implicit: bool = True
    use_groups: bool = True
    reg: float = 2.0
    reg_bias: float = 1.0
    reg_exponent: float = 0.5
    trust_weight: float = 0.3
    learning_rate: float = 0.02
    epochs: int = 300
    burn_in: int = 30
    samples: int = 150
    chains: int = 1
    init_std: float = 0.1
    confidence: float = 2.0
    confidence_scale: float = 100.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, not {self.objective!r}")
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, not {self.solver!r}")


DEFAULTS: dict[str, SocialFactorConfig] = {
    # validation RMSE 0.7894 (one chain: 0.7922); factors 5/10/20 x trust 0.1/0.3/0.5 searched
    "filmtrust": SocialFactorConfig(factors=20, chains=4),
    # validation RMSE 0.9225; factors 5/10 x trust_weight 0.3/0.6 searched
    "ciaodvd": SocialFactorConfig(),
    # validation RMSE 0.9491; trust_weight 0.15/0.3/0.6 searched (one fit takes minutes)
    "ciao": SocialFactorConfig(),
    # validation NDCG@10 0.1973 (64 factors: 0.1919); reg 0.3..10 x reg_exponent 0.5..1 x
    # trust_weight 1..30, then factors 64/128 x confidence 0.5..4 x epochs 8/16 searched
    "lastfm": SocialFactorConfig(
        objective="ranking",
        factors=128,
        reg=0.3,
        reg_exponent=0.75,
        trust_weight=10.0,
        confidence=1.0,
        epochs=8,
    ),
}
"""Per dataset kind, the hyper-parameters chosen on validation data carved from the
training data (``offline.tune``; the searches are listed in docs/recommender.md). The
plain ``SocialFactorConfig()`` (10 factors, one chain, trust weight 0.3) was the best or
within 0.001 of the best single-chain setting on every rating set."""

WITHOUT_TRUST: dict[str, SocialFactorConfig] = {
    # validation NDCG@10 0.1934 (reg 0.1/0.3/0.5/1/3/10 x reg_exponent 0.75/1 searched);
    # the social pull also regularises, so without it a larger reg is best
    "lastfm": replace(DEFAULTS["lastfm"], use_trust=False, reg=0.5),
}
"""The no-trust ablation, re-tuned where dropping the graph changes the best setting
(elsewhere it is the default with ``use_trust=False``)."""


def _index(ids: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``ids`` in the sorted array ``known`` and a mask of those found."""
    ids = np.asarray(ids)
    position = np.searchsorted(known, ids)
    position = np.minimum(position, max(known.size - 1, 0))
    found = known.size > 0
    return position, (known[position] == ids) if found else np.zeros(ids.shape, bool)


def _trainer(config: SocialFactorConfig):
    """The training function for a config (imported lazily: serving needs none of them)."""
    if config.objective == "ranking":
        from sentirec.recommend.social_als import fit_ranking

        return fit_ranking
    if config.solver == "adam":
        from sentirec.recommend.trustsvd import fit_rating

        return fit_rating
    from sentirec.recommend.bayes_mf import fit_bayes

    return fit_bayes


class SocialFactorModel:
    """Trust- and sentiment-aware factor model with fit / predict / recommend: the solver
    ``config`` names (Bayesian social MF by Gibbs, TrustSVD, or social ALS) behind one
    interface."""

    def __init__(self, config: SocialFactorConfig | None = None, **overrides):
        self.config = replace(config or SocialFactorConfig(), **overrides)
        self.user_ids = np.zeros(0, np.int64)
        self.item_ids = np.zeros(0, np.int64)
        self.factors: Factors | None = None
        self.rating_range: tuple[float, float] | None = None
        self.group_ids: np.ndarray | None = None

    # ------------------------------------------------------------------ training

    def fit(
        self,
        users,
        items,
        values,
        trust=None,
        sentiment=None,
        confidence=None,
        rating_range: tuple[float, float] | None = None,
        item_groups=None,
        progress: bool = False,
    ) -> SocialFactorModel:
        """Learn from rows (``users[k]`` gave ``items[k]`` the value ``values[k]``) and trust
        edges ((E, 2) truster, trustee raw ids). With ``sentiment``/``confidence`` (NaN where
        a row has no review), the rating target is the opinion blend of stars and sentiment
        mapped back onto the star scale; NaN stars with a sentiment are sentiment-only rows.
        ``item_groups`` (per row: the item's category) lets the gibbs solver share strength
        between items of a group and score unseen items of a known group.
        """
        users, items = np.asarray(users), np.asarray(items)
        values = np.asarray(values, dtype=float)
        trust = np.zeros((0, 2), np.int64) if trust is None else np.asarray(trust).reshape(-1, 2)
        if self.config.objective == "rating":
            stars = values[np.isfinite(values)]
            self.rating_range = rating_range or (
                (float(stars.min()), float(stars.max())) if stars.size else (STAR_MIN, STAR_MAX)
            )
            if sentiment is not None:
                values = self._opinion_targets(values, sentiment, confidence)
        usable = np.isfinite(values)  # rows with neither stars nor sentiment teach nothing
        users, items, values = users[usable], items[usable], values[usable]
        grouped = item_groups is not None and self.config.use_groups
        grouped = grouped and self.config.solver == "gibbs" and self.config.objective == "rating"
        self.group_ids = np.unique(np.asarray(item_groups)[usable]) if grouped else None
        self.user_ids = np.unique(np.concatenate([np.asarray(users), trust.ravel()]))
        self.item_ids = np.unique(np.asarray(items))
        graph = Graph(
            users=np.searchsorted(self.user_ids, users),
            items=np.searchsorted(self.item_ids, items),
            values=values,
            trust=np.searchsorted(self.user_ids, trust) if self.config.use_trust else trust[:0],
            n_users=self.user_ids.size,
            n_items=self.item_ids.size,
        )
        if grouped:
            group_of_row = np.searchsorted(self.group_ids, np.asarray(item_groups)[usable])
            graph.item_groups = np.zeros(graph.n_items, np.int64)
            graph.item_groups[graph.items] = group_of_row
        self.factors = _trainer(self.config)(graph, self.config, progress)
        return self

    def _opinion_targets(self, stars, sentiment, confidence) -> np.ndarray:
        low, high = self.rating_range
        unit = opinion_values(
            stars, sentiment, confidence, OpinionParams(star_min=low, star_max=high)
        )
        return low + (unit + 1.0) / 2.0 * (high - low)

    # ------------------------------------------------------------------ serving

    @property
    def trained(self) -> Factors:
        if self.factors is None:
            raise RuntimeError("the model is not trained: call fit() or from_state() first")
        return self.factors

    def predict(self, users, items, item_groups=None) -> np.ndarray:
        """Predicted value of each (user, item) pair; ratings are clipped to the range seen
        in training. Unknown users or items fall back to biases and the global mean; an
        unknown item whose group (``item_groups``, per pair) the model knows is scored
        from its group's vector."""
        f = self.trained
        u, known_u = _index(users, self.user_ids)
        i, known_i = _index(items, self.item_ids)
        item_vectors = f.item_vectors[i]
        item_bias = np.where(known_i, f.item_bias[i], 0.0)
        if item_groups is not None and f.group_vectors is not None:
            g, known_g = _index(item_groups, self.group_ids)
            borrow = ~known_i & known_g
            item_vectors[borrow] = f.group_vectors[g[borrow]]
            item_bias[borrow] = f.group_bias[g[borrow]]
            known_i = known_i | borrow
        both = known_u & known_i
        result = np.full(u.shape, f.global_mean)
        result += np.where(known_u, f.user_bias[u], 0.0) + item_bias
        result[both] += np.einsum("nd,nd->n", f.user_vectors[u[both]], item_vectors[both])
        if self.rating_range is not None:
            result = np.clip(result, *self.rating_range)
        return result

    def scores(self, users) -> np.ndarray:
        """(len(users), len(item_ids)) scores over every known item, unclipped, for full
        ranking; an unknown user gets the item biases alone."""
        f = self.trained
        u, known = _index(users, self.user_ids)
        vectors = np.where(known[:, None], f.user_vectors[u], 0.0)
        bias = np.where(known, f.user_bias[u], 0.0)
        return f.global_mean + bias[:, None] + f.item_bias[None, :] + vectors @ f.item_vectors.T

    def fold_in(self, rated: Iterable = (), trustees: Iterable = ()) -> np.ndarray:
        """A vector for a user absent from training, from the items she rated and the users
        she trusts; ids unknown to the model are ignored. Ranking: her ALS solution;
        adam: TrustSVD's sums of implicit and trust vectors; gibbs: the social prior mean
        (her trustees' mean pulled toward the population; ``rated`` is not used)."""
        f = self.trained
        item, item_found = _index(np.fromiter(rated, np.int64), self.item_ids)
        user, user_found = _index(np.fromiter(trustees, np.int64), self.user_ids)
        item, user = item[item_found], user[user_found]
        if self.config.objective == "ranking":
            from sentirec.recommend.social_als import fold_in_user

            return fold_in_user(f, item, user, self.config)
        if self.config.solver == "gibbs":
            population = f.user_vectors.mean(0)
            if not user.size or not self.config.use_trust:
                return population
            share = self.config.trust_weight
            return (1 - share) * population + share * f.user_vectors[user].mean(0)
        vector = np.zeros(f.item_vectors.shape[1])
        for rows, table in ((item, f.implicit_vectors), (user, f.trust_vectors)):
            if rows.size and table is not None:
                vector += table[rows].sum(0) / np.sqrt(rows.size)
        return vector

    def recommend(
        self, user, k: int = 10, exclude: Iterable = (), trustees: Iterable = ()
    ) -> list[tuple[int, float]]:
        """The ``k`` best items for ``user`` as (item id, score), best first, skipping
        ``exclude`` (what she already rated). An unknown user is folded in from ``trustees``."""
        f = self.trained
        if _index([user], self.user_ids)[1][0]:
            scores = self.scores([user])[0]
        else:
            scores = f.global_mean + f.item_bias + f.item_vectors @ self.fold_in((), trustees)
        position, found = _index(np.fromiter(exclude, np.int64), self.item_ids)
        scores[position[found]] = -np.inf
        k = min(k, int(np.isfinite(scores).sum()))
        best = np.argsort(-scores, kind="stable")[:k]
        return [(self.item_ids[i].item(), float(scores[i])) for i in best]

    # ------------------------------------------------------------------ storage

    def to_state(self) -> dict:
        """A plain dict of numpy arrays plus the config, for storing without pickle tricks."""
        f = self.trained
        state = {
            "config": asdict(self.config),
            "rating_range": None if self.rating_range is None else list(self.rating_range),
            "user_ids": self.user_ids,
            "item_ids": self.item_ids,
            "global_mean": f.global_mean,
        }
        for name in ("user_bias", "item_bias", "user_vectors", "item_vectors"):
            state[name] = getattr(f, name)
        for name in ("implicit_vectors", "trust_vectors", "group_vectors", "group_bias"):
            if getattr(f, name) is not None:
                state[name] = getattr(f, name)
        if self.group_ids is not None:
            state["group_ids"] = self.group_ids
        return state

    @classmethod
    def from_state(cls, state: dict) -> SocialFactorModel:
        """Rebuild a trained model from ``to_state()`` output."""
        model = cls(SocialFactorConfig(**state["config"]))
        model.user_ids = np.asarray(state["user_ids"])
        model.item_ids = np.asarray(state["item_ids"])
        model.rating_range = tuple(state["rating_range"]) if state["rating_range"] else None
        model.factors = Factors(
            global_mean=float(state["global_mean"]),
            user_bias=np.asarray(state["user_bias"]),
            item_bias=np.asarray(state["item_bias"]),
            user_vectors=np.asarray(state["user_vectors"]),
            item_vectors=np.asarray(state["item_vectors"]),
            implicit_vectors=state.get("implicit_vectors"),
            trust_vectors=state.get("trust_vectors"),
            group_vectors=state.get("group_vectors"),
            group_bias=state.get("group_bias"),
        )
        model.group_ids = state.get("group_ids")
        return model
