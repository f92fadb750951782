"""The learned model: determinism, storage, cold start, sentiment, and that it learns."""

import numpy as np
import pytest

from sentirec.recommend.baselines import BPRMF, BPRConfig, MeanBaseline, Popularity
from sentirec.recommend.datasets import load
from sentirec.recommend.metrics import rmse
from sentirec.recommend.social_mf import SocialFactorConfig, SocialFactorModel
from sentirec.recommend.splits import kfold

FAST = SocialFactorConfig(factors=4, burn_in=10, samples=30)
FAST_ADAM = SocialFactorConfig(solver="adam", factors=4, epochs=60, learning_rate=0.05)
BOTH = pytest.mark.parametrize("config", [FAST, FAST_ADAM], ids=["gibbs", "adam"])


def toy_ratings(seed: int = 0, users: int = 40, items: int = 30, density: float = 0.4):
    """Two taste groups: even users love even items, odd users love odd items."""
    rng = np.random.default_rng(seed)
    u, i = np.nonzero(rng.random((users, items)) < density)
    stars = np.where(u % 2 == i % 2, 4.5, 1.5) + rng.normal(0, 0.3, u.size)
    trust = np.array([[a, a + 2] for a in range(users - 2)])  # same-group friends
    return u + 100, i + 500, np.clip(stars, 0.5, 5.0), trust + 100


@BOTH
def test_fit_is_deterministic_under_a_seed_and_changes_with_it(config):
    u, i, r, t = toy_ratings()
    first = SocialFactorModel(config).fit(u, i, r, t).predict(u, i)
    again = SocialFactorModel(config).fit(u, i, r, t).predict(u, i)
    other = SocialFactorModel(config, seed=1).fit(u, i, r, t).predict(u, i)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@BOTH
def test_learns_the_two_taste_groups_better_than_the_global_mean(config):
    u, i, r, t = toy_ratings()
    folds = kfold(r.size, 5, seed=0)
    train, test = folds != 0, folds == 0
    model = SocialFactorModel(config).fit(u[train], i[train], r[train], t)
    mean = MeanBaseline("global").fit(u[train], i[train], r[train])
    assert rmse(model.predict(u[test], i[test]), r[test]) < 0.7 * rmse(
        mean.predict(u[test], i[test]), r[test]
    )


@BOTH
def test_state_round_trip_serves_identical_predictions(config):
    u, i, r, t = toy_ratings()
    model = SocialFactorModel(config).fit(u, i, r, t, rating_range=(0.5, 5.0))
    state = model.to_state()
    assert all(isinstance(v, (np.ndarray, dict, float, list)) for v in state.values())
    restored = SocialFactorModel.from_state(state)
    assert np.array_equal(restored.predict(u, i), model.predict(u, i))
    assert restored.recommend(100, k=5) == model.recommend(100, k=5)


@BOTH
def test_cold_start_falls_back_to_biases_and_global_mean(config):
    u, i, r, t = toy_ratings()
    model = SocialFactorModel(config).fit(u, i, r, t)
    f = model.factors
    item = np.searchsorted(model.item_ids, 500)
    user = np.searchsorted(model.user_ids, 100)
    unknown_user, unknown_item = 9999, 8888
    assert model.predict([unknown_user], [500])[0] == pytest.approx(
        np.clip(f.global_mean + f.item_bias[item], *model.rating_range)
    )
    assert model.predict([100], [unknown_item])[0] == pytest.approx(
        np.clip(f.global_mean + f.user_bias[user], *model.rating_range)
    )
    assert model.predict([unknown_user], [unknown_item])[0] == pytest.approx(f.global_mean)


@BOTH
def test_trust_only_user_gets_her_trustees_influence(config):
    u, i, r, t = toy_ratings()
    trust = np.vstack([t, [[7777, 100], [7777, 102]]])  # 7777 rated nothing, trusts evens
    model = SocialFactorModel(config).fit(u, i, r, trust)
    even_items, odd_items = [500, 502, 504], [501, 503, 505]
    liked = model.predict([7777] * 3, even_items).mean()
    disliked = model.predict([7777] * 3, odd_items).mean()
    assert liked > disliked
    # a brand-new user folded in from the same trustees ranks the same way
    folded = dict(model.recommend(424242, k=30, trustees=[100, 102]))
    assert np.mean([folded[x] for x in even_items]) > np.mean([folded[x] for x in odd_items])


@BOTH
def test_recommend_excludes_and_orders(config):
    u, i, r, t = toy_ratings()
    model = SocialFactorModel(config).fit(u, i, r, t)
    top = model.recommend(100, k=5, exclude=[500, 502])
    assert len(top) == 5 and not {500, 502} & {item for item, _ in top}
    scores = [s for _, s in top]
    assert scores == sorted(scores, reverse=True)


def test_sentiment_moves_the_training_target():
    users, items = np.array([1, 2, 3, 1]), np.array([10, 10, 10, 11])
    stars = np.array([4.0, 4.0, 4.0, 1.0])
    plain = SocialFactorModel(FAST, use_trust=False).fit(
        users, items, stars, rating_range=(0.5, 5.0)
    )
    negative = np.array([-1.0, -1.0, -1.0, np.nan])
    sour = SocialFactorModel(FAST, use_trust=False).fit(
        users, items, stars, sentiment=negative, confidence=np.ones(4), rating_range=(0.5, 5.0)
    )
    assert sour.predict([4], [10])[0] < plain.predict([4], [10])[0]


def test_item_groups_score_unseen_items_from_their_group():
    u, i, r, t = toy_ratings()
    groups = i % 2  # the two taste groups are two categories
    unseen = i == 529
    model = SocialFactorModel(FAST).fit(
        u[~unseen], i[~unseen], r[~unseen], t, item_groups=groups[~unseen]
    )
    assert model.factors.group_vectors.shape[0] == 2
    # item 999 never seen; as a member of the odd group, odd users like it and even ones not
    liked = model.predict([101, 103], [999, 999], item_groups=[1, 1])
    disliked = model.predict([100, 102], [999, 999], item_groups=[1, 1])
    assert liked.min() > disliked.max()
    plain = model.predict([101, 100], [999, 999])
    assert plain[0] == pytest.approx(model.factors.global_mean + model.factors.user_bias[1])
    restored = SocialFactorModel.from_state(model.to_state())
    assert np.array_equal(restored.predict([101], [999], [1]), model.predict([101], [999], [1]))
    ablated = SocialFactorModel(FAST, use_groups=False).fit(u, i, r, t, item_groups=groups)
    assert ablated.factors.group_vectors is None and ablated.group_ids is None


def test_ranking_objective_recommends_what_similar_users_played():
    rng = np.random.default_rng(0)
    # group A plays items 0-9, group B items 10-19; user 0 has played 0-4 only
    rows = [(u, it, rng.integers(1, 500)) for u in range(1, 30) for it in range(10)]
    rows += [(u, it, rng.integers(1, 500)) for u in range(30, 60) for it in range(10, 20)]
    rows += [(0, it, 50) for it in range(5)]
    u, i, plays = map(np.array, zip(*rows, strict=True))
    config = SocialFactorConfig(objective="ranking", factors=4, reg=0.1, epochs=5)
    model = SocialFactorModel(config).fit(u, i, plays, trust=np.array([[0, 1], [1, 0]]))
    top = [item for item, _ in model.recommend(0, k=5, exclude=range(5))]
    assert set(top) == {5, 6, 7, 8, 9}
    folded = model.fold_in(rated=[10, 11], trustees=[31])
    assert folded.shape == (4,)
    restored = SocialFactorModel.from_state(model.to_state())
    assert np.allclose(restored.scores([0]), model.scores([0]))


def test_ranking_baselines():
    u = np.array([1, 1, 2, 2, 3])
    i = np.array([7, 8, 7, 9, 7])
    popularity = Popularity().fit(u, i, np.ones(5))
    assert popularity.item_ids.tolist() == [7, 8, 9]
    assert popularity.scores([1, 5])[1].tolist() == [3.0, 1.0, 1.0]
    bpr = BPRMF(BPRConfig(factors=4, epochs=3, batch_size=2)).fit(u, i, np.ones(5))
    assert bpr.scores([1, 99]).shape == (2, 3)
    assert np.all(bpr.scores([99]) == 0)


def test_bad_objective_is_rejected():
    with pytest.raises(ValueError, match="objective"):
        SocialFactorConfig(objective="magic")


def test_small_fit_beats_global_mean_on_a_filmtrust_slice(shared_data):
    data = load(f"filmtrust:{shared_data / 'filmtrust'}", limit=8000)
    folds = kfold(len(data), 5, seed=0)
    train, test = folds != 0, folds == 0
    args = (data.users[train], data.items[train], data.values[train], data.trust)
    model = SocialFactorModel(FAST, factors=8).fit(*args, rating_range=data.rating_range)
    mean = MeanBaseline("global").fit(*args)
    ours = rmse(model.predict(data.users[test], data.items[test]), data.values[test])
    assert ours < rmse(mean.predict(data.users[test], data.items[test]), data.values[test]) - 0.05
