from hypothesis import given
from hypothesis import strategies as st

from sentirec.sentiment.text import PAD_ID, UNK_ID, Vocabulary, head_tail, tokenize, tokenize_spans


def test_negations_and_clitics_split_like_ptb():
    assert tokenize("I don't like it") == ["i", "do", "n't", "like", "it"]
    assert tokenize("It's great, can't wait") == ["it", "'s", "great", ",", "ca", "n't", "wait"]
    assert tokenize("it ’s fine") == ["it", "'s", "fine"]


def test_sst2_style_text_is_unchanged():
    text = "the movie does n't disappoint , it 's `` great '' ."
    assert tokenize(text) == [
        "the",
        "movie",
        "does",
        "n't",
        "disappoint",
        ",",
        "it",
        "'s",
        '"',
        "great",
        '"',
        ".",
    ]


def test_punctuation_runs_emoticons_and_emoji_survive():
    assert tokenize("Wow!!!!! Really?!") == ["wow", "!!!", "really", "?!"]
    assert tokenize("so good :) <3") == ["so", "good", "happy", "love"]
    assert tokenize("Loved it 😍👍") == ["loved", "it", "love", "good"]
    assert tokenize("🦄") == ["🦄"]  # unknown emoji kept as itself


def test_markup_removed_and_sentence_boundary_without_space():
    assert tokenize("great.<br /><br />Loved it") == ["great", ".", "loved", "it"]


def test_spans_point_into_original_text():
    text = "Can't STAND it!!"
    spans = tokenize_spans(text)
    assert [text[t.start : t.end] for t in spans] == ["Ca", "n't", "STAND", "it", "!!"]


@given(st.text(max_size=200))
def test_tokenizer_never_fails_and_spans_are_valid(text):
    for tok in tokenize_spans(text):
        assert tok.text
        assert 0 <= tok.start < tok.end <= len(text)


def test_empty_and_whitespace():
    assert tokenize("") == []
    assert tokenize(" \n\t ") == []


def test_head_tail_keeps_both_ends():
    assert head_tail(list(range(10)), 4) == [0, 1, 8, 9]
    assert head_tail(list(range(10)), 5) == [0, 1, 2, 8, 9]
    assert head_tail([1, 2], 5) == [1, 2]


def test_vocabulary_frequency_order_min_freq_and_unknowns():
    vocab = Vocabulary.build([["a", "b", "a"], ["c", "a", "b"]], min_freq=2, extra=["z", "a"])
    assert vocab.itos == ["<pad>", "<unk>", "a", "b", "z"]
    assert vocab.encode(["a", "c", "z"]) == [2, UNK_ID, 4]
    assert vocab.stoi["<pad>"] == PAD_ID
    assert Vocabulary(vocab.itos).itos == vocab.itos
