from sentirec.sentiment.splits import (
    containers,
    dedup_split,
    fraction_split,
    group_split,
    holdout_sentences,
    sentence_split,
    text_key,
    whole_sentences,
)


def test_dedup_split_keeps_duplicates_together_and_is_deterministic():
    texts = [f"text {i % 50}" for i in range(500)] + ["Text 3", "text  3 "]
    train, val = dedup_split(texts, 0.4, seed=7)
    assert sorted(train + val) == list(range(len(texts)))
    val_keys = {texts[i].lower().split()[1] for i in val}
    assert all(texts[i].lower().split()[1] not in val_keys for i in train)
    assert (train, val) == dedup_split(texts, 0.4, seed=7)
    assert (train, val) != dedup_split(texts, 0.4, seed=8)
    assert 0.2 < len(val_keys) / 50 < 0.6


def test_sentence_split_holds_out_whole_sentences_and_their_phrases():
    sentences = [f"the film number {i} is a wonderful piece of work" for i in range(40)]
    phrases = [s.split(" is ")[1] for s in sentences] + [s.split(" is ")[0] for s in sentences]
    texts = sentences + phrases + ["is"]
    train, val = sentence_split(texts, n_val=5, seed=0)
    held = [texts[i] for i in val]
    assert len(held) == 5
    assert set(held) <= set(sentences)
    for i in train:
        assert all(f" {texts[i]} " not in f" {s} " for s in held)
    assert texts.index("is") not in train  # "is" is a phrase of a held-out sentence


def test_whole_sentences_are_the_rows_no_other_row_contains():
    texts = ["a truly great film .", "truly great", "great", "a dull , long movie", "Great"]
    assert whole_sentences(texts, min_words=2) == {"a truly great film .", "a dull , long movie"}


def _phrase_corpus():
    sentences = [f"the film number {i} is a wonderful piece of work" for i in range(60)]
    phrases = [s.split(" is ")[0] for s in sentences] + [f"number {i} is" for i in range(60)]
    return sentences + phrases + ["a wonderful piece", "The Film Number 3"]


def test_group_split_keeps_phrases_with_their_sentence():
    texts = _phrase_corpus()
    train, val = group_split(texts, 0.4, seed=3)
    assert (train, val) == group_split(texts, 0.4, seed=3)
    assert 0.2 < len(val) / len(texts) < 0.6
    pool = [f" {text_key(texts[i])} " for i in train]
    for i in val:  # no validation text is seen inside a training text
        assert not any(f" {text_key(texts[i])} " in p for p in pool)
    # "a wonderful piece" is in sentences on both sides: it is left out of both
    assert texts.index("a wonderful piece") not in train + val
    # a phrase follows its sentence, whatever its own hash says
    for n in range(60):
        sentence = texts.index(f"the film number {n} is a wonderful piece of work")
        phrase = texts.index(f"number {n} is")
        assert (sentence in val) == (phrase in val)


def test_dedup_split_alone_leaks_phrases_that_group_split_does_not():
    texts = _phrase_corpus()
    train, val = dedup_split(texts, 0.4, seed=3)
    pool = " \n ".join(text_key(texts[i]) for i in train)
    assert any(f" {text_key(texts[i])} " in f" {pool} " for i in val)


def test_containers_are_the_outermost_texts():
    texts = ["a truly great film .", "truly great film", "great", "truly great", "dull"]
    found = containers(texts)
    assert found["truly great"] == {"a truly great film ."}
    assert found["great"] == {"a truly great film ."}
    assert "dull" not in found and "a truly great film ." not in found


def test_later_holdout_parts_never_move_earlier_ones():
    sentences = [f"sentence {i} is rather long here" for i in range(100)]
    texts = sentences + [f"sentence {i} is" for i in range(100)]
    one = holdout_sentences(texts, [10], seed=0)
    two = holdout_sentences(texts, [10, 10], seed=0)
    assert one[1] == two[1] and not set(two[2]) & set(two[1])
    assert set(two[0]) < set(one[0])  # phrases of the second part leave training too
    rest, a, b = fraction_split([f"t{i}" for i in range(2000)] + ["t1"], [0.2, 0.1], seed=0)
    assert a == dedup_split([f"t{i}" for i in range(2000)] + ["t1"], 0.2, seed=0)[1]
    assert 0.05 < len(b) / 2000 < 0.15 and (1 in a) == (2000 in a)
    assert sorted(rest + a + b) == list(range(2001))
