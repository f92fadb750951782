from sentirec.sentiment.splits import dedup_split, sentence_split, whole_sentences


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
