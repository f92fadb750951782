"""Hand-made cases for the pure feed scoring."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentirec.recommend.scoring import (
    BlendWeights,
    Candidate,
    Opinion,
    OpinionParams,
    TieParams,
    bayesian_quality,
    item_qualities,
    opinion_agreement,
    opinion_label,
    opinion_value,
    opinion_values,
    rank,
    second_hop_ties,
    social_scores,
    stars_to_unit,
    tie_strength,
    values_of,
    who_to_follow,
)


def test_stars_map_onto_unit_scale():
    assert stars_to_unit(0.5) == -1.0
    assert stars_to_unit(5.0) == 1.0
    assert stars_to_unit(2.75) == pytest.approx(0.0)
    assert stars_to_unit(4.0, star_min=0.5, star_max=4.0) == 1.0


def test_opinion_stars_alone_sentiment_alone_and_blend():
    assert opinion_value(Opinion(1, 1, stars=5.0)) == 1.0
    assert opinion_value(Opinion(1, 1, sentiment=-0.4, confidence=0.2)) == -0.4
    assert opinion_value(Opinion(1, 1)) is None
    # stars say 1.0, sentiment says -1.0 with full confidence: half-way with weight 0.5
    assert opinion_value(Opinion(1, 1, stars=5.0, sentiment=-1.0, confidence=1.0)) == 0.0
    # an unsure classifier barely moves the stars
    unsure = opinion_value(Opinion(1, 1, stars=5.0, sentiment=-1.0, confidence=0.1))
    assert unsure == pytest.approx(1.0 - 0.05 * 2)


def test_opinion_values_vectorised_matches_scalar():
    stars = [5.0, np.nan, 3.0, np.nan]
    sentiment = [np.nan, 0.5, -0.5, np.nan]
    confidence = [np.nan, 0.3, 0.8, np.nan]
    values = opinion_values(stars, sentiment, confidence, OpinionParams(sentiment_weight=0.7))
    assert values[0] == 1.0 and values[1] == 0.5 and math.isnan(values[3])
    expected = (1 - 0.56) * stars_to_unit(3.0) + 0.56 * -0.5
    assert values[2] == pytest.approx(expected)


@given(
    st.floats(0.5, 5.0),
    st.floats(-1.0, 1.0),
    st.floats(0.0, 1.0),
)
def test_opinion_value_stays_on_scale_and_between_its_inputs(stars, sentiment, confidence):
    value = opinion_value(Opinion(1, 1, stars=stars, sentiment=sentiment, confidence=confidence))
    low, high = sorted((stars_to_unit(stars), sentiment))
    assert -1.0 <= value <= 1.0
    assert low - 1e-9 <= value <= high + 1e-9


def test_labels():
    assert [opinion_label(v) for v in (1.0, 0.3, 0.0, -0.3, -1.0)] == [
        "loved",
        "liked",
        "mixed",
        "disliked",
        "hated",
    ]


def test_one_glowing_review_ranks_below_a_thousand_good_ones():
    global_mean = 0.2
    glowing = bayesian_quality(1.0, 1, global_mean)
    good = bayesian_quality(0.6 * 1000, 1000, global_mean)
    assert glowing < good
    assert good == pytest.approx(0.6, abs=0.01)
    arrays = bayesian_quality(np.array([1.0, 600.0]), np.array([1, 1000]), global_mean)
    assert arrays.tolist() == pytest.approx([glowing, good])


def test_item_qualities_from_opinions():
    glowing = [Opinion(0, 1, stars=5.0)]
    good = [Opinion(u, 2, stars=4.5) for u in range(1000)]
    mediocre = [Opinion(u, 3, stars=2.75) for u in range(1000)]
    quality = item_qualities(glowing + good + mediocre)
    assert quality[2] > quality[1] > quality[3]


def test_agreement():
    assert opinion_agreement([1.0, 0.5], [1.0, 0.5]) == (1.0, 2)
    assert opinion_agreement([1.0], [-1.0]) == (-1.0, 1)
    assert opinion_agreement([], []) == (0.0, 0)


def test_tie_strength_grows_with_agreement_reciprocity_and_shared_items():
    low = tie_strength(agreement=-0.5, n_shared=10)
    mid = tie_strength(agreement=0.0, n_shared=10)
    high = tie_strength(agreement=0.9, n_shared=10)
    assert low < mid < high
    assert tie_strength(reciprocal=True) > tie_strength(reciprocal=False)
    # agreement measured on few shared items is shrunk
    assert tie_strength(agreement=1.0, n_shared=1) < tie_strength(agreement=1.0, n_shared=50)


def test_tie_strength_decays_with_inactivity_half_life():
    params = TieParams(half_life_days=30)
    fresh = tie_strength(days_inactive=0, params=params)
    assert tie_strength(days_inactive=30, params=params) == pytest.approx(fresh / 2)
    vector = tie_strength(
        reciprocal=[0, 1], agreement=[0, 0], n_shared=[0, 0], days_inactive=[0, 30], params=params
    )
    assert vector.tolist() == pytest.approx([1.0, 0.75])


def test_second_hop_uses_strongest_path_and_never_beats_direct():
    direct = {2: 1.0, 3: 0.5}
    theirs = {2: {4: 0.5, 3: 9.0, 1: 1.0}, 3: {4: 2.0}}
    ties = second_hop_ties(direct, theirs, viewer_id=1, params=TieParams(second_hop_decay=0.5))
    assert set(ties) == {2, 3, 4}
    assert ties[3].strength == 0.5 and ties[3].via is None
    assert ties[4].strength == pytest.approx(0.5 * 0.5 * 2.0) and ties[4].via == 3
    no_hop = second_hop_ties(direct, theirs, 1, TieParams(second_hop_decay=0))
    assert set(no_hop) == {2, 3}


def _feed_fixture():
    ties = {10: 2.0, 11: 1.0, 12: 0.5}
    opinions = [
        Opinion(10, 100, stars=5.0, highlights=("battery lasts forever",)),
        Opinion(11, 100, stars=4.5),
        Opinion(12, 100, stars=1.0),
        Opinion(11, 101, stars=5.0, sentiment=0.9, confidence=0.9, highlights=("gorgeous",)),
        Opinion(99, 102, stars=5.0),  # not a followee: ignored
    ]
    return ties, opinions


def test_social_scores_and_explanation_lists_the_right_followees():
    ties, opinions = _feed_fixture()
    social = social_scores(ties, opinions)
    assert set(social) == {100, 101}
    evidence = social[100]
    assert [c.user_id for c in evidence.contributors] == [10, 11, 12]
    assert evidence.contributors[0].label == "loved"
    assert evidence.contributors[0].highlights == ("battery lasts forever",)
    assert evidence.contributors[2].label == "hated"
    expected = (2 * 1 + 1 * stars_to_unit(4.5) + 0.5 * stars_to_unit(1.0)) / (3.5 + 1.0)
    assert evidence.score == pytest.approx(expected)


def test_rank_blends_excludes_and_explains():
    ties, opinions = _feed_fixture()
    social = social_scores(ties, opinions)
    candidates = [Candidate(100, quality=0.1), Candidate(101, quality=0.0), Candidate(103, 0.9)]
    page = rank(candidates, social, exclude={101})
    assert [r.item_id for r in page] == [100, 103]
    top = page[0]
    assert top.explanation.reason == "social"
    assert [c.user_id for c in top.explanation.contributors] == [10, 11, 12]
    assert top.score == pytest.approx(sum(top.components.values()))
    assert page[1].explanation.reason == "quality" and page[1].explanation.contributors == ()


def test_rank_cold_start_uses_quality_model_and_freshness():
    candidates = [
        Candidate(1, quality=0.2),
        Candidate(2, quality=0.8),
        Candidate(3, quality=0.5, model_score=0.9),
        Candidate(4, quality=0.2, age_days=0),
    ]
    for social in (None, {}):
        ranked = rank(candidates, social, BlendWeights(quality=0.5, model=0.5, freshness=0.5))
        assert [r.item_id for r in ranked] == [3, 4, 2, 1]
    assert rank([], None) == []


def test_rank_holds_back_one_followee_past_the_cap_inside_the_score():
    ties = {10: 3.0, 11: 1.0}
    opinions = [Opinion(10, i, stars=5.0) for i in range(6)] + [Opinion(11, 50, stars=4.0)]
    social = social_scores(ties, opinions)
    candidates = [Candidate(i) for i in [*range(6), 50, 60, 61]]
    weights = BlendWeights(max_per_followee=2)
    ranked = rank(candidates, social, weights)
    repeat = {r.item_id: r.components.get("repeat", 0.0) / weights.social for r in ranked}
    assert [repeat[i] for i in range(6)] == [0.0, 0.0, -1.0, -1.0, -2.0, -2.0]
    assert [r.item_id for r in ranked[:4]] == [0, 1, 50, 60]
    assert sorted(r.item_id for r in ranked) == sorted(c.item_id for c in candidates)
    assert len(rank(candidates, social, BlendWeights(max_per_followee=2), limit=4)) == 4


@given(
    leaders=st.lists(st.integers(min_value=0, max_value=4), max_size=60),
    cap=st.integers(min_value=1, max_value=3),
    page_size=st.integers(min_value=1, max_value=7),
)
def test_pages_of_a_capped_ranking_never_go_back_up(leaders, cap, page_size):
    ties = dict.fromkeys(range(5), 1.0)
    social = social_scores(ties, [Opinion(u, i, stars=5.0) for i, u in enumerate(leaders)])
    candidates = [Candidate(i, quality=(i % 7) / 7) for i in range(len(leaders))]
    ranked = rank(candidates, social, BlendWeights(max_per_followee=cap))
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert sorted(r.item_id for r in ranked) == list(range(len(leaders)))  # nothing lost
    for r in ranked:
        assert r.score == pytest.approx(sum(r.components.values()))
    pages = [ranked[i : i + page_size] for i in range(0, len(ranked), page_size)]
    for before, after in itertools.pairwise(pages):
        assert after[0].score <= before[-1].score


def test_opinion_values_of_many_match_one_at_a_time():
    opinions = [
        Opinion(1, 1, stars=4.0),
        Opinion(1, 2),
        Opinion(1, 3, sentiment=-0.5, confidence=None),
        Opinion(1, 4, stars=1.0, sentiment=0.9, confidence=0.4),
    ]
    assert values_of(opinions) == [opinion_value(o) for o in opinions]
    assert values_of(opinions)[1] is None and values_of([]) == []


def test_who_to_follow_ranks_and_excludes():
    suggestions = who_to_follow(
        user_ids=[1, 2, 3, 4],
        followed_by_followees=[5, 0, 2, 9],
        activity=[1, 100, 1, 0],
        agreement=[0.0, 0.0, 1.0, 0.0],
        n_shared=[0, 0, 20, 0],
        exclude={4},
    )
    assert [s.user_id for s in suggestions] == [3, 1, 2]  # agreement lifts 3 over 1
    assert set(suggestions[0].components) == {"friends_of_friends", "activity", "agreement"}
    cold = who_to_follow([7, 8], [0, 0], [3, 30], limit=1)
    assert [s.user_id for s in cold] == [8]
