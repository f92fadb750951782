"""Length-bucketed batches: every index once, and the padded-size budget kept."""

import numpy as np
import pytest

from sentirec.sentiment.batching import bucket_batches


@pytest.mark.parametrize("seed", [None, 0])
def test_token_budget_caps_rows_times_longest_and_keeps_every_index(seed):
    lengths = np.random.default_rng(1).integers(0, 300, size=500).tolist()
    rng = None if seed is None else np.random.default_rng(seed)
    batches = bucket_batches(lengths, 64, rng=rng, max_tokens=1000)
    assert sorted(i for batch in batches for i in batch) == list(range(500))
    for batch in batches:
        longest = max(max(lengths[i] for i in batch), 1)
        assert len(batch) <= 64
        assert len(batch) == 1 or len(batch) * longest <= 1000


def test_a_row_longer_than_the_budget_is_a_batch_of_its_own():
    assert bucket_batches([5, 900, 5], 8, max_tokens=100) == [[0, 2], [1]]


def test_without_a_budget_only_the_row_count_cuts():
    assert bucket_batches([3, 1, 2, 4], 2) == [[1, 2], [0, 3]]
