import pytest

from sentirec.sentiment.predictor import Predictor
from sentirec.sentiment.stopwords import is_filler
from sentirec.sentiment.text import MAX_CHARS


@pytest.fixture(scope="module")
def predictor(trained):
    return Predictor(trained.bundle, batch_size=4)


def test_labels_scores_confidence_and_highlights(predictor):
    good, bad = predictor.predict(["What a great , superb film", "The acting was AWFUL and dull"])
    assert (good.label, bad.label) == ("positive", "negative")
    assert good.score > 0 > bad.score
    assert 0.5 <= good.confidence <= 1 and 0.5 <= bad.confidence <= 1
    assert good.confidence == pytest.approx((1 + abs(good.score)) / 2, abs=1e-5)
    assert {w for w, _ in bad.highlights} & {"AWFUL", "dull"}
    assert all(w in "The acting was AWFUL and dull" for w, _ in bad.highlights)
    weights = [w for _, w in good.highlights]
    assert weights == sorted(weights, reverse=True) and len(weights) <= 5


@pytest.mark.parametrize(
    "text", ["", "   \n\t", "😶‍🌫️🦄", "日本語のテキストです", "Здравствуйте мир"]
)
def test_unscorable_text_is_neutral(predictor, text):
    (p,) = predictor.predict([text])
    assert (p.label, p.score, p.confidence, p.highlights) == ("neutral", 0.0, 0.0, [])


def test_known_emoji_is_scorable(predictor):
    (p,) = predictor.predict(["😍😍"])
    assert p.label == "positive" and p.highlights[0][0] == "😍"


def test_megabyte_input_is_fast_and_uses_head_and_tail(predictor):
    text = "great " + "plot " * 200_000 + " terrible worst awful"
    assert len(text) > 1_000_000
    (p,) = predictor.predict([text])
    assert p.label in ("positive", "negative")
    assert {w for w, _ in p.highlights} & {"terrible", "worst", "awful", "great"}
    assert len(text) > MAX_CHARS


def test_batch_order_and_batching_do_not_change_results(predictor, heldout):
    texts = [*heldout[0][:30], "", "amazing"]
    together = predictor.predict(texts)
    one_by_one = [predictor.predict([t])[0] for t in texts]
    assert [p.label for p in together] == [p.label for p in one_by_one]
    assert [p.score for p in together] == pytest.approx([p.score for p in one_by_one], abs=1e-5)
    assert together[-2].label == "neutral"


def test_non_string_input_does_not_raise(predictor):
    assert len(predictor.predict([None, 42])) == 2  # type: ignore[list-item]


def test_without_highlights(trained):
    (p,) = Predictor(trained.bundle, top_k=0).predict(["great fun"])
    assert p.label == "positive" and p.highlights == []


def test_empty_batch(predictor):
    assert predictor.predict([]) == []


def test_highlights_are_never_stop_words_or_punctuation(predictor):
    # Four content words and many fillers: top 5 used to fill up with "and", "was", ...
    text = "The acting was AWFUL and dull , it should have been better ! ! 10"
    (prediction,) = predictor.predict([text])
    words = [w for w, _ in prediction.highlights]
    assert words and set(w.lower() for w in words) <= {"acting", "awful", "dull", "better"}


def test_negations_are_not_filler():
    assert not is_filler("not") and not is_filler("never") and not is_filler("😀")
    assert is_filler("the") and is_filler("Should") and is_filler("...") and is_filler("10")


def test_the_batch_budget_changes_no_result(trained, heldout):
    texts = heldout[0][:40]
    uncapped = Predictor(trained.bundle, max_batch_tokens=10**9).predict(texts)
    capped = Predictor(trained.bundle, max_batch_tokens=16).predict(texts)
    assert [p.label for p in capped] == [p.label for p in uncapped]
    assert [p.score for p in capped] == pytest.approx([p.score for p in uncapped], abs=1e-5)
    words = [[w for w, _ in p.highlights] for p in uncapped]
    assert [[w for w, _ in p.highlights] for p in capped] == words
