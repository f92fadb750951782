"""The learned model: user/item factors from ratings, the trust graph and review sentiment.

``SocialMF`` is the one facade the offline evaluation and the Django side use. It works
with raw ids (database primary keys or dataset ids), trains one of two objectives and
serves predictions from a plain dict of numpy arrays, so a site can store a trained
model and serve it without retraining or importing torch:

* ``objective="rating"`` - TrustSVD-style regression on stars (or on the opinion blend of
  stars and review sentiment when sentiment is given), see ``trustsvd``;
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
from sentirec.recommend.scoring import OpinionParams, opinion_values

OBJECTIVES = ("rating", "ranking")


@dataclass(frozen=True)
class SocialMFConfig:
    """Hyper-parameters (``DEFAULTS`` holds the values tuned per dataset kind).

    objective: "rating" (explicit stars, RMSE) or "ranking" (implicit feedback, NDCG).
    factors: latent dimensions.
    use_trust: learn from the trust graph (False gives the no-trust ablation).
    use_implicit: rating objective only: add the SVD++ term over the items a user rated.
    reg: L2 weight on factors, scaled per entity by ``(count + 1) ** reg_exponent``.
    reg_bias: L2 weight on user and item biases (rating), scaled the same way.
    reg_exponent: how fast regularisation grows with an entity's number of ratings.
    trust_weight: rating: weight of the trust-reconstruction loss (TrustSVD's lambda_t);
        ranking: pull of a user's factors toward her trustees' mean (SocialMF's beta).
    learning_rate: Adam step size (rating).
    epochs: full-batch Adam steps (rating) or ALS sweeps (ranking).
    init_std: scale of the random initial factors.
    confidence: ranking: confidence gained per ``log1p(value / confidence_scale)``.
    confidence_scale: ranking: value (e.g. play count) at which confidence starts to grow
        logarithmically rather than linearly.
    seed: random seed; training is deterministic under it.
    """

    objective: str = "rating"
    factors: int = 10
    use_trust: bool = True
    use_implicit: bool = True
    reg: float = 2.0
    reg_bias: float = 1.0
    reg_exponent: float = 0.5
    trust_weight: float = 0.3
    learning_rate: float = 0.02
    epochs: int = 300
    init_std: float = 0.1
    confidence: float = 2.0
    confidence_scale: float = 100.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, not {self.objective!r}")


DEFAULTS: dict[str, SocialMFConfig] = {
    "filmtrust": SocialMFConfig(),
    "ciaodvd": SocialMFConfig(),
    "ciao": SocialMFConfig(),
    "lastfm": SocialMFConfig(
        objective="ranking", factors=64, reg=3.0, reg_exponent=0.5, trust_weight=10.0, epochs=8
    ),
}
"""Per dataset kind, the hyper-parameters chosen on validation data carved from training
data (see docs/recommender.md for the search); a site starts from the closest kind."""


def _index(ids: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``ids`` in the sorted array ``known`` and a mask of those found."""
    ids = np.asarray(ids)
    position = np.searchsorted(known, ids)
    position = np.minimum(position, max(known.size - 1, 0))
    found = known.size > 0
    return position, (known[position] == ids) if found else np.zeros(ids.shape, bool)


class SocialMF:
    """Trust- and sentiment-aware factor model with fit / predict / recommend."""

    def __init__(self, config: SocialMFConfig | None = None, **overrides):
        self.config = replace(config or SocialMFConfig(), **overrides)
        self.user_ids = np.zeros(0, np.int64)
        self.item_ids = np.zeros(0, np.int64)
        self.factors: Factors | None = None
        self.rating_range: tuple[float, float] | None = None

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
        progress: bool = False,
    ) -> SocialMF:
        """Learn from rows (``users[k]`` gave ``items[k]`` the value ``values[k]``) and trust
        edges ((E, 2) truster, trustee raw ids). With ``sentiment``/``confidence`` (NaN where
        a row has no review), the rating target is the opinion blend of stars and sentiment
        mapped back onto the star scale; NaN stars with a sentiment are sentiment-only rows.
        """
        values = np.asarray(values, dtype=float)
        trust = np.zeros((0, 2), np.int64) if trust is None else np.asarray(trust).reshape(-1, 2)
        if self.config.objective == "rating":
            self.rating_range = rating_range or (float(np.nanmin(values)), float(np.nanmax(values)))
            if sentiment is not None:
                values = self._opinion_targets(values, sentiment, confidence)
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
        if self.config.objective == "rating":
            from sentirec.recommend.trustsvd import fit_rating

            self.factors = fit_rating(graph, self.config, progress)
        else:
            from sentirec.recommend.social_als import fit_ranking

            self.factors = fit_ranking(graph, self.config, progress)
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

    def predict(self, users, items) -> np.ndarray:
        """Predicted value of each (user, item) pair; ratings are clipped to the range seen
        in training. Unknown users or items fall back to biases and the global mean."""
        f = self.trained
        u, known_u = _index(users, self.user_ids)
        i, known_i = _index(items, self.item_ids)
        both = known_u & known_i
        result = np.full(u.shape, f.global_mean)
        result += np.where(known_u, f.user_bias[u], 0.0) + np.where(known_i, f.item_bias[i], 0.0)
        result[both] += np.einsum("nd,nd->n", f.user_vectors[u[both]], f.item_vectors[i[both]])
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
        she trusts (TrustSVD's treatment of trust-only users); ids unknown to the model are
        ignored."""
        f = self.trained
        item, item_found = _index(np.fromiter(rated, np.int64), self.item_ids)
        user, user_found = _index(np.fromiter(trustees, np.int64), self.user_ids)
        item, user = item[item_found], user[user_found]
        if self.config.objective == "ranking":
            from sentirec.recommend.social_als import fold_in_user

            return fold_in_user(f, item, user, self.config)
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
        for name in ("implicit_vectors", "trust_vectors"):
            if getattr(f, name) is not None:
                state[name] = getattr(f, name)
        return state

    @classmethod
    def from_state(cls, state: dict) -> SocialMF:
        """Rebuild a trained model from ``to_state()`` output."""
        model = cls(SocialMFConfig(**state["config"]))
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
        )
        return model
