"""Splits cover the data as the protocols require; metrics match hand computation."""

import numpy as np
import pytest
import scipy.sparse as sp

from sentirec.recommend.metrics import mae, ranking_metrics, rmse, top_k
from sentirec.recommend.splits import TEST, TRAIN, VALID, kfold, ratio_split_per_user


def test_five_fold_split_covers_each_rating_exactly_once():
    folds = kfold(1003, 5, seed=7)
    assert folds.shape == (1003,)
    assert sorted(np.bincount(folds).tolist()) == [200, 200, 201, 201, 201]
    assert np.array_equal(folds, kfold(1003, 5, seed=7))
    assert not np.array_equal(folds, kfold(1003, 5, seed=8))
    with pytest.raises(ValueError):
        kfold(3, 5)


@pytest.mark.parametrize(
    "n, sizes", [(1, [1, 0, 0]), (2, [1, 0, 1]), (3, [1, 1, 1]), (5, [3, 1, 1]), (50, [40, 5, 5])]
)
def test_ratio_split_follows_recbole_rounding(n, sizes):
    users = np.repeat([4, 9], n)
    parts = ratio_split_per_user(users, seed=0)
    for user in (4, 9):
        counts = np.bincount(parts[users == user], minlength=3)
        assert counts[[TRAIN, VALID, TEST]].tolist() == sizes


def test_ratio_split_shuffles_within_users_deterministically():
    users = np.repeat(np.arange(20), 10)
    first = ratio_split_per_user(users, seed=1)
    assert np.array_equal(first, ratio_split_per_user(users, seed=1))
    assert not np.array_equal(first, ratio_split_per_user(users, seed=2))


def test_error_metrics():
    assert rmse([1, 2, 3], [1, 2, 5]) == pytest.approx(np.sqrt(4 / 3))
    assert mae([1, 2, 3], [1, 2, 5]) == pytest.approx(2 / 3)


def test_top_k_orders_best_first_and_masks_history():
    scores = np.array([[0.1, 0.9, 0.5, 0.7], [0.4, 0.3, 0.2, 0.1]])
    history = sp.csr_matrix(np.array([[0, 1, 0, 0], [0, 0, 0, 0]]))
    assert top_k(scores, 2, history).tolist() == [[3, 2], [0, 1]]


def test_ranking_metrics_on_a_hand_computed_case():
    recommended = np.array([[0, 1, 2], [2, 0, 1], [0, 1, 2]])
    # user 0: relevant {1, 5}: a hit at rank 2; user 1: relevant {2}: hit at rank 1;
    # user 2: nothing relevant, so it is left out of the averages
    relevant = sp.csr_matrix(np.array([[0, 1, 0, 0, 0, 1], [0, 0, 1, 0, 0, 0], [0] * 6]))
    result = ranking_metrics(recommended, relevant, k=3)
    ndcg_user0 = (1 / np.log2(3)) / (1 + 1 / np.log2(3))
    assert result["ndcg@3"] == pytest.approx((ndcg_user0 + 1.0) / 2)
    assert result["recall@3"] == pytest.approx((1 / 2 + 1) / 2)
    assert result["precision@3"] == pytest.approx((1 / 3 + 1 / 3) / 2)
