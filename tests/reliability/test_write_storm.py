"""A small write storm (300 reviews from 8 concurrent HTTP clients) while a real worker
scores them and a retrain runs; ``benchmarks/write_storm.py`` is the big one.

Afterwards every review is stored once and scored exactly once by the model active at the
end, counted by a trigger in the database, and every item's stats agree with its reviews.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from sentirec.models import SentimentModel
from sentirec.queueing import RETRAIN, enqueue
from sentirec.services import training
from tests.reliability.storm import Post, install_score_log, outcome, post_concurrently
from tests.workers.conftest import wait_for
from tests.workers.test_faults import TEXTS

pytestmark = [pytest.mark.services, pytest.mark.slow]

USERS, ITEMS, CLIENTS = 60, 5, 8


def test_a_write_storm_during_a_retrain_stores_and_scores_each_review_once(
    live_server, start_worker, toy_model, media_root, retrain_env, make_user, make_item
):
    install_score_log()
    start_worker(MEDIA_ROOT=str(media_root), **retrain_env(epochs=3))
    tokens = [Token.objects.create(user=make_user()).key for _ in range(USERS)]
    items = [make_item(f"Storm item {k}").pk for k in range(ITEMS)]
    posts = [
        Post(token, item, TEXTS[(u + i) % 4], [5, 1][(u + i) % 2])
        for u, token in enumerate(tokens)
        for i, item in enumerate(items)
    ]

    def retrain_a_third_of_the_way(answered: int) -> None:
        if answered == len(posts) // 3:
            assert enqueue(RETRAIN, queue="sentirec.gpu")

    posted = post_concurrently(live_server.url, posts, CLIENTS, retrain_a_third_of_the_way)
    assert dict(posted.statuses) == {201: len(posts)}
    wait_for(
        lambda: (
            SentimentModel.objects.exclude(training_data__has_key="shipped").count() == 2
            and cache.get(training.LOCK_KEY) is None
        ),
        240,
        "the retrain to register its candidate",
    )
    wait_for(lambda: outcome().settled(), 240, "every review scored by the final model")
    result = outcome()
    assert result.reviews == len(set(posted.ids)) == USERS * ITEMS
    assert (result.not_scored, result.scored_twice_by_final, result.never_by_final) == (0, 0, 0)
    assert result.stats_wrong == 0
    assert sum(result.writes_by_version.values()) >= result.reviews
