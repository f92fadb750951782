"""Property tests (hypothesis) for the pure parts a hostile review reaches: the tokenizer,
the predictor and the feed's scoring functions. Any text, any float: no exception, and
every output stays in its documented range."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentirec.recommend.scoring import (
    BlendWeights,
    Candidate,
    Opinion,
    bayesian_quality,
    opinion_values,
    rank,
    social_scores,
    tie_strength,
    who_to_follow,
)
from sentirec.sentiment.bundle import load_bundle
from sentirec.sentiment.predictor import Predictor
from sentirec.sentiment.text import head_tail, tokenize, tokenize_spans
from sentirec.sentiment.training import TrainConfig, train
from tests.conftest import toy_corpus

#: Any code point, lone surrogates included (a JSON body can carry them), plus the hostile
#: pieces a fuzzer rarely finds on its own.
ANY_CHAR = st.characters(exclude_categories=())
HOSTILE = st.sampled_from(
    ["\x00", "\u202e", "\u200b", "\ufeff", "\u0301" * 20, "'; DROP TABLE x; --", "<script>",
     "<br/>", "``", "''", "don't", ":-)", "😍", "\U0001f3fb", "\r\n", "\t"]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(ANY_CHAR, max_size=40), HOSTILE), max_size=12).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: The model runs are the slow part: fewer, longer examples.
MODEL_SETTINGS = settings(SETTINGS, max_examples=50)


@SETTINGS
@given(TEXT)
def test_tokens_are_non_empty_lower_case_and_point_into_the_text(text):
    tokens = tokenize_spans(text)
    previous_end = 0
    for token in tokens:
        assert token.text and not any(c.isspace() for c in token.text), token
        assert 0 <= previous_end <= token.start < token.end <= len(text), token
        previous_end = token.end
    assert [t.text for t in tokens] == tokenize(text)


@SETTINGS
@given(st.lists(st.integers(), max_size=50), st.integers(min_value=0, max_value=60))
def test_head_tail_keeps_both_ends_within_the_limit(items, limit):
    kept = head_tail(items, limit)
    assert len(kept) == min(len(items), limit)
    head = (limit + 1) // 2 if len(items) > limit else len(items)
    assert kept[:head] == items[:head]
    assert kept[head:] == items[len(items) - (len(kept) - head) :]


@pytest.fixture(scope="module", params=["mlp", pytest.param("cnn", marks=pytest.mark.slow)])
def predictor(request, toy_bundle_bytes) -> Predictor:
    """The toy MLP every test uses, and (slow) a CNN with attention, the retrain default."""
    if request.param == "mlp":
        return Predictor(load_bundle(toy_bundle_bytes), batch_size=3)
    texts, labels = toy_corpus(200)
    config = TrainConfig(arch="cnn", embeddings=None, epochs=2, seed=1, patience=2)
    return Predictor(train(texts, labels, config, progress=False).bundle, batch_size=3)


@MODEL_SETTINGS
@given(texts=st.lists(TEXT, max_size=7))
def test_predictions_are_in_range_and_highlight_words_of_the_text(predictor, texts):
    predictions = predictor.predict(texts)
    assert len(predictions) == len(texts)
    for text, p in zip(texts, predictions, strict=True):
        assert p.label in {"positive", "negative", "neutral"}
        assert -1 <= p.score <= 1 and 0 <= p.confidence <= 1
        if p.label == "neutral":
            assert (p.score, p.confidence, p.highlights) == (0.0, 0.0, [])
        else:
            assert p.confidence == pytest.approx((1 + abs(p.score)) / 2, abs=1e-5)
            assert (p.label == "positive") == (p.score >= 0)
        assert len(p.highlights) <= predictor.top_k
        for word, weight in p.highlights:
            assert word in text and math.isfinite(weight)


@MODEL_SETTINGS
@given(texts=st.lists(TEXT, min_size=2, max_size=6))
def test_a_text_scores_the_same_alone_or_in_any_batch(predictor, texts):
    together = predictor.predict(texts)
    alone = [predictor.predict([text])[0] for text in texts]
    assert [p.score for p in together] == pytest.approx([p.score for p in alone], abs=1e-4)


FLOAT = st.floats(allow_nan=True, allow_infinity=True)
UNIT = st.floats(-1, 1)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # inf stars: clipped
@SETTINGS
@given(stars=FLOAT, sentiment=FLOAT, confidence=FLOAT)
def test_any_opinion_is_on_the_unit_scale_or_missing(stars, sentiment, confidence):
    value = float(opinion_values(stars, sentiment, confidence))
    if math.isnan(stars) and math.isnan(sentiment):
        assert math.isnan(value)
    else:
        assert -1 <= value <= 1


@SETTINGS
@given(st.lists(UNIT, max_size=30), UNIT, st.floats(0.01, 1e6))
def test_bayesian_quality_lies_between_the_item_mean_and_the_site_mean(values, site, prior):
    quality = bayesian_quality(sum(values), len(values), site, prior)
    low, high = (min(np.mean(values), site), max(np.mean(values), site)) if values else (site,) * 2
    assert low - 1e-9 <= quality <= high + 1e-9


@SETTINGS
@given(st.booleans(), UNIT, st.integers(0, 10**6), st.floats(-1e9, 1e9))
def test_tie_strength_is_finite_and_non_negative(reciprocal, agreement, shared, inactive):
    strength = tie_strength(reciprocal, agreement, shared, inactive)
    assert math.isfinite(strength) and 0 <= strength <= 3  # (follow + reciprocity) x 2 at most


OPINIONS = st.lists(
    st.builds(
        Opinion,
        user_id=st.integers(1, 8),
        item_id=st.integers(1, 12),
        stars=st.one_of(st.none(), st.sampled_from([0.5 * k for k in range(1, 11)])),
        sentiment=st.one_of(st.none(), UNIT),
        confidence=st.one_of(st.none(), st.floats(0, 1)),
    ),
    max_size=40,
)
TIES = st.dictionaries(st.integers(1, 8), st.floats(0, 10), max_size=8)


@SETTINGS
@given(TIES, OPINIONS)
def test_social_scores_are_shrunk_tie_weighted_opinions_of_ties_only(ties, opinions):
    scores = social_scores(ties, opinions)
    heard = {
        o.item_id
        for o in opinions
        if ties.get(o.user_id, 0) > 0 and (o.stars is not None or o.sentiment is not None)
    }
    assert set(scores) == heard
    for evidence in scores.values():
        assert {c.user_id for c in evidence.contributors} <= {u for u, s in ties.items() if s > 0}
        assert abs(evidence.score) <= max(abs(c.opinion) for c in evidence.contributors) + 1e-9


CANDIDATES = st.lists(
    st.builds(
        Candidate,
        item_id=st.integers(1, 12),
        quality=UNIT,
        model_score=st.one_of(st.none(), UNIT),
        age_days=st.one_of(st.none(), st.floats(-10, 1e5)),
    ),
    max_size=12,
    unique_by=lambda c: c.item_id,
)


@SETTINGS
@given(CANDIDATES, TIES, OPINIONS, st.sets(st.integers(1, 12)), st.integers(1, 5))
def test_rank_returns_each_allowed_candidate_once_with_its_parts(
    candidates, ties, opinions, exclude, cap
):
    weights = BlendWeights(max_per_followee=cap)
    ranked = rank(candidates, social_scores(ties, opinions), weights, exclude)
    ids = [item.item_id for item in ranked]
    assert sorted(ids) == sorted(c.item_id for c in candidates if c.item_id not in exclude)
    for item in ranked:
        assert math.isfinite(item.score)
        assert item.score == pytest.approx(sum(item.components.values()))
        assert item.explanation.reason in item.components


@SETTINGS
@given(st.data(), st.integers(0, 15))
def test_who_to_follow_excludes_and_orders(data, n):
    ids = data.draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n, unique=True))
    counts = st.lists(st.integers(0, 10**6), min_size=n, max_size=n)
    agreement = data.draw(st.lists(UNIT, min_size=n, max_size=n))
    exclude = data.draw(st.sets(st.sampled_from(ids))) if ids else set()
    got = who_to_follow(ids, data.draw(counts), data.draw(counts), agreement, data.draw(counts),
                        exclude=exclude)  # fmt: skip
    assert [s.user_id for s in got if s.user_id in exclude] == []
    assert len(got) == len(ids) - len(exclude)
    assert [s.score for s in got] == sorted((s.score for s in got), reverse=True)
