"""Batched, length-bucketed, device-aware inference with word highlights.

Long texts are truncated to the bundle's ``max_tokens`` by keeping the first and the last
half of the tokens (the verdict of a review is often in its last sentences); texts over
``text.MAX_CHARS`` characters are first cut to their first and last ``MAX_CHARS / 2``
characters, so a 1 MB input costs no more than a long review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from .batching import bucket_batches, pad
from .bundle import Bundle
from .minilm import PAD_ID, UNK_PIECE, encode_words
from .stopwords import is_filler
from .text import UNK_ID, Token, char_parts, head_tail, tokenize_spans
from .training import resolve_device


@dataclass(frozen=True)
class Prediction:
    """``label`` is "neutral" only when the text has no token the model knows."""

    label: str
    score: float  # P(positive) - P(negative), in [-1, 1]
    confidence: float  # calibrated probability of ``label``; 0 for "neutral"
    highlights: list[tuple[str, float]] = field(default_factory=list)


NEUTRAL = Prediction("neutral", 0.0, 0.0, [])


def text_spans(text: str) -> list[Token]:
    """Tokens of ``text``, looking only at its head and tail when it is huge."""
    spans: list[Token] = []
    for offset, chunk in char_parts(text):
        tokens = tokenize_spans(chunk)
        # Only a huge text's tail has an offset: the common case keeps its tokens as they are.
        spans += (
            [Token(t.text, t.start + offset, t.end + offset) for t in tokens] if offset else tokens
        )
    return spans


#: Padded positions per batch on the CPU (rows times the longest row). Past a few
#: thousand the TextCNN's activations no longer fit the CPU's cache, and a 256-review
#: scoring task with one long review would pad every row to it. Cut at this size, 256
#: texts per call on one thread score Blitzer reviews 1.57x and SST-2 sentences 1.27x
#: faster (``benchmarks/model_speed.py``, docs/sentiment.md). A GPU wants big batches:
#: there ``batch_size`` alone bounds them.
MAX_BATCH_TOKENS = 4096


class Predictor:
    """Scores texts with a bundle; keep one per process and reuse it."""

    def __init__(
        self,
        bundle: Bundle,
        device: str | None = None,
        batch_size: int = 256,
        top_k: int = 5,
        max_batch_tokens: int | None = None,
    ):
        self.bundle = bundle
        self.device = resolve_device(device)
        self.batch_size = batch_size
        on_cpu = self.device.type == "cpu"
        self.max_batch_tokens = max_batch_tokens or (MAX_BATCH_TOKENS if on_cpu else None)
        self.top_k = top_k
        self.model = bundle.build_model().to(self.device)
        self.temperature = bundle.temperature
        self.pieces = bundle.arch == "minilm"  # WordPiece input; weights summed per word

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One :class:`Prediction` per text, in order; never raises on odd input."""
        prepared = [self._prepare(t if isinstance(t, str) else str(t)) for t in texts]
        results: list[Prediction] = [NEUTRAL] * len(prepared)
        scorable = [i for i, (_, _, _, known) in enumerate(prepared) if known]
        sizes = [len(prepared[i][0]) for i in scorable]
        for batch in bucket_batches(sizes, self.batch_size, max_tokens=self.max_batch_tokens):
            rows = [scorable[j] for j in batch]
            ids, lengths = pad([prepared[i][0] for i in rows], self.device)
            with torch.inference_mode(not self.top_k):
                if self.top_k:
                    logits, weights = self.model.token_weights(ids, lengths)
                else:
                    logits, weights = self.model(ids, lengths), None
            # One device-to-host copy per batch, not one per row.
            positive = torch.softmax(logits.float() / self.temperature, dim=1)[:, 1].tolist()
            weight_rows = weights.cpu().tolist() if weights is not None else None
            for k, i in enumerate(rows):
                p = positive[k]
                highlights = (
                    self._highlights(
                        texts[i], prepared[i][1], self._word_weights(prepared[i], weight_rows[k])
                    )
                    if weight_rows is not None
                    else []
                )
                label = "positive" if p >= 0.5 else "negative"
                results[i] = Prediction(
                    label, round(2 * p - 1, 6), round(max(p, 1 - p), 6), highlights
                )
        return results

    def _prepare(self, text: str) -> tuple[list[int], list[Token], list[int] | None, bool]:
        """Model ids, the words they stand for, each id's word (None: one id per word), and
        whether any word is known to the model."""
        if self.pieces:
            ids, words, group = encode_words(text, self.bundle.max_tokens)
            return ids, words, group, any(i not in (UNK_PIECE, PAD_ID) for i in ids[1:-1])
        spans = head_tail(text_spans(text), self.bundle.max_tokens)
        ids = self.bundle.vocab.encode([t.text for t in spans])
        return ids, spans, None, any(x != UNK_ID for x in ids)

    @staticmethod
    def _word_weights(prepared: tuple, weights: list[float]) -> list[float]:
        _, words, group, _ = prepared
        if group is None:
            return weights
        out = [0.0] * len(words)
        for g, w in zip(group, weights, strict=False):
            if g >= 0:
                out[g] += w
        return out

    def _highlights(
        self, text: str, spans: list[Token], weights: list[float]
    ) -> list[tuple[str, float]]:
        """Top-k words of the original text by weight; a clitic ("n't") joins its word.
        Stop words and punctuation are passed over: they say nothing about the feeling.

        Only the heaviest tokens are looked at, so a long review costs no more than a tweet.
        """
        best: dict[str, tuple[str, float]] = {}
        n = min(len(spans), len(weights))
        for i in sorted(range(n), key=weights.__getitem__, reverse=True):
            if len(best) >= self.top_k:
                break
            start, end, weight = spans[i].start, spans[i].end, weights[i]
            if _is_clitic(spans[i]) and i > 0 and spans[i - 1].end == start:
                start, weight = spans[i - 1].start, weight + weights[i - 1]
            elif i + 1 < n and _is_clitic(spans[i + 1]) and spans[i + 1].start == end:
                end, weight = spans[i + 1].end, weight + weights[i + 1]
            word = text[start:end]
            if word.lower() not in best and not is_filler(word):
                best[word.lower()] = (word, weight)
        ranked = sorted(best.values(), key=lambda kv: -kv[1])
        return [(word, round(w, 4)) for word, w in ranked]


def _is_clitic(token: Token) -> bool:
    return token.text.startswith("'") or token.text == "n't"
