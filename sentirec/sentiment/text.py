"""Tokenizer and vocabulary.

The tokenizer mirrors the Penn-Treebank style of SST-2 and GloVe (lower case, ``n't``
split off, clitics split) so that raw user text lands on the same tokens the models were
trained on, while keeping what carries sentiment: negations, runs of ``!``/``?``,
emoticons and emoji. Every token keeps its character span in the original text so the
predictor can highlight the exact words that drove a decision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1

# Common emoji mapped to a word GloVe knows, so an emoji-only review is still scorable.
EMOJI_WORDS: dict[str, str] = {
    "😀": "happy",
    "😃": "happy",
    "😄": "happy",
    "😁": "happy",
    "😊": "happy",
    "🙂": "happy",
    "😂": "funny",
    "🤣": "funny",
    "😍": "love",
    "🥰": "love",
    "😘": "love",
    "❤": "love",
    "💕": "love",
    "💖": "love",
    "👍": "good",
    "👌": "good",
    "🙌": "great",
    "🎉": "great",
    "⭐": "great",
    "🌟": "great",
    "🔥": "awesome",
    "💯": "perfect",
    "👏": "bravo",
    "😢": "sad",
    "😭": "sad",
    "😞": "disappointed",
    "😔": "sad",
    "🙁": "sad",
    "☹": "sad",
    "😠": "angry",
    "😡": "angry",
    "🤬": "angry",
    "👎": "bad",
    "💩": "crap",
    "🤮": "disgusting",
    "🤢": "disgusting",
    "😒": "annoyed",
    "🙄": "annoying",
    "😴": "boring",
    "💔": "heartbreaking",
    "😐": "meh",
    "😕": "confused",
}
EMOTICON_WORDS: dict[str, str] = {
    ":)": "happy",
    ":-)": "happy",
    ":d": "happy",
    ":-d": "happy",
    "=)": "happy",
    ";)": "happy",
    ":(": "sad",
    ":-(": "sad",
    ":'(": "sad",
    ":/": "meh",
    ":-/": "meh",
    "<3": "love",
}

_EMOJI = (
    "[\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\u2764]"
    "[\ufe0f\U0001f3fb-\U0001f3ff]?"
)
MASK = "[MASK]"  # the masking token of distillation's augmented texts (one token, "[mask]")
_TOKEN_RE = re.compile(
    r"""
    (?P<mask>\[MASK\])
    | (?P<emoticon>(?<!\w)(?:[:;=][-']?[()dDpP/]|<3)(?!\w))
    | (?P<emoji>"""
    + _EMOJI
    + r""")
    | (?P<word>[^\W_]+(?:[-'’][^\W_]+)*|['’](?:s|re|ve|ll|m|d)\b)
    | (?P<punct>[!?.]+|[^\w\s])
    """,
    re.VERBOSE,
)
_MASK, _EMOTICON, _WORD, _PUNCT = (
    _TOKEN_RE.groupindex[name] for name in ("mask", "emoticon", "word", "punct")
)
# Clitics split off words the way PTB/GloVe do: "don't" -> "do" "n't", "it's" -> "it" "'s".
_CLITIC_RE = re.compile(r"(?i)^(?P<stem>.+?)(?P<clitic>n['’]t|['’](?:s|re|ve|ll|m|d))$")
_MARKUP_RE = re.compile(r"<br\s*/?>|</?(?:p|i|b|em|strong)>", re.IGNORECASE)
_PTB_QUOTES = {"``": '"', "''": '"'}


class Token(NamedTuple):
    """A normalised token and the span ``[start, end)`` of the text it came from."""

    text: str
    start: int
    end: int


_new_token = tuple.__new__  # Token(...) without the namedtuple's Python-level __new__


MAX_CHARS = 20_000


def char_parts(text: str) -> list[tuple[int, str]]:
    """``(offset, chunk)`` parts of ``text`` that a model reads: the whole text, or its first
    and last ``MAX_CHARS / 2`` characters when longer, so a 1 MB input costs no more than a
    long review (offsets keep spans those of ``text``)."""
    if len(text) <= MAX_CHARS:
        return [(0, text)]
    half = MAX_CHARS // 2
    return [(0, text[:half]), (len(text) - half, text[-half:])]


def tokenize_spans(text: str) -> list[Token]:
    """Split ``text`` into lower-case tokens with their character spans in ``text``.

    The loop is the hot path of scoring a long review: it dispatches on the match's group
    number and slices the text, rather than asking each match for its group's name and
    string (a third faster on 800-character reviews).
    """
    if "<" in text:
        text = _MARKUP_RE.sub(lambda m: " " * len(m.group()), text)
    # ASCII lowers character by character, so a token's slice of the lowered text is the
    # token lowered; other scripts can differ (a final sigma depends on what follows).
    lowered = text.lower() if text.isascii() else None
    tokens: list[Token] = []
    append = tokens.append
    for match in _TOKEN_RE.finditer(text):
        start, end = match.span()
        kind = match.lastindex
        if kind == _WORD:
            word = lowered[start:end] if lowered is not None else text[start:end].lower()
            if "'" in word or "’" in word:
                tokens.extend(_split_clitic(word, start))
            else:
                append(_new_token(Token, (word, start, end)))
        elif kind == _PUNCT:
            raw = text[start:end]
            append(_new_token(Token, (raw[:3] if raw[0] in "!?." else raw, start, end)))
        elif kind == _MASK:
            append(Token("[mask]", start, end))
        elif kind == _EMOTICON:
            raw = text[start:end].lower()
            append(Token(EMOTICON_WORDS.get(raw, raw), start, end))
        else:
            raw = text[start:end]
            append(Token(EMOJI_WORDS.get(raw[0], raw), start, end))
    return _merge_ptb_quotes(tokens) if "`" in text or "''" in text else tokens


def _split_clitic(word: str, start: int) -> list[Token]:
    word = word.replace("’", "'")
    match = _CLITIC_RE.match(word)
    if not match:
        return [Token(word, start, start + len(word))]
    cut = start + match.end("stem")
    return [
        Token(match.group("stem"), start, cut),
        Token(match.group("clitic"), cut, cut + len(match.group("clitic"))),
    ]


def _merge_ptb_quotes(tokens: list[Token]) -> list[Token]:
    """Turn SST-2's ```` `` ```` and ``''`` (two tokens each here) into one ``"`` token."""
    merged: list[Token] = []
    for tok in tokens:
        if (
            merged
            and tok.text in "`'"
            and merged[-1].text == tok.text
            and merged[-1].end == tok.start
        ):
            prev = merged.pop()
            merged.append(Token(_PTB_QUOTES[prev.text + tok.text], prev.start, tok.end))
        else:
            merged.append(tok)
    return merged


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` without spans."""
    return [tok.text for tok in tokenize_spans(text)]


def head_tail(items: Sequence, limit: int) -> list:
    """Keep the first and last ``limit // 2`` items: a review's verdict is often at the end."""
    if len(items) <= limit:
        return list(items)
    head = (limit + 1) // 2
    return [*items[:head], *items[len(items) - (limit - head) :]]


class Vocabulary:
    """Token <-> id mapping with ``<pad>`` = 0 and ``<unk>`` = 1."""

    def __init__(self, tokens: Iterable[str]):
        self.itos: list[str] = [PAD, UNK]
        self.stoi: dict[str, int] = {PAD: PAD_ID, UNK: UNK_ID}
        for tok in tokens:
            if tok not in self.stoi:
                self.stoi[tok] = len(self.itos)
                self.itos.append(tok)

    @classmethod
    def build(
        cls,
        corpus: Iterable[Sequence[str]],
        min_freq: int = 1,
        max_size: int | None = None,
        extra: Iterable[str] = (),
    ) -> Vocabulary:
        """Corpus tokens seen ``min_freq`` times (most frequent first), then ``extra``."""
        counts = Counter(tok for tokens in corpus for tok in tokens)
        frequent = [
            t for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_freq
        ]
        vocab = cls(frequent[:max_size] if max_size else frequent)
        for tok in extra:
            if tok not in vocab.stoi:
                vocab.stoi[tok] = len(vocab.itos)
                vocab.itos.append(tok)
        return vocab

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def encode(self, tokens: Sequence[str]) -> list[int]:
        return [self.stoi.get(tok, UNK_ID) for tok in tokens]
