"""Distillation: a transfer set, its augmentation, the teacher's soft labels, their file.

Tang et al. (2019, "Distilling task-specific knowledge from BERT into simple neural
networks") train a small student on a big teacher's outputs over a transfer set much
larger than the labelled data: the training texts, pieces of them, and augmented copies
made by masking words (``p_mask``), swapping words for similar ones (``p_swap``; here a
GloVe nearest neighbour instead of their same-part-of-speech word) and sampling n-grams
(``p_ngram``, n in 1..5). The teacher labels everything, so no gold label is needed, and
its probabilities are computed once and kept in a soft-label file (gzip TSV with a JSON
header naming the teacher) from which the student rebuilds in minutes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .splits import text_key
from .text import MASK, tokenize

SOFT_LABELS_FORMAT = "sentirec soft labels v1"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def sentences(text: str, min_words: int = 3) -> list[str]:
    """The sentences of a review (cut after ``.``/``!``/``?``), those of ``min_words``+."""
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.split()) >= min_words]


def glove_neighbours(words: Iterable[str], vectors, k: int = 5, pool: int = 30000) -> dict:
    """The ``k`` nearest words (cosine) of each of ``words`` among the ``pool`` most
    frequent GloVe words; a word GloVe lacks gets none."""
    index = vectors.index()
    cand = vectors.matrix[:pool].astype(np.float32)
    cand = cand / np.linalg.norm(cand, axis=1, keepdims=True).clip(1e-8)
    wanted = sorted(w for w in set(words) if w in index and w.isalpha())
    out: dict[str, list[str]] = {}
    for start in range(0, len(wanted), 2048):
        chunk = wanted[start : start + 2048]
        q = vectors.matrix[[index[w] for w in chunk]].astype(np.float32)
        q = q / np.linalg.norm(q, axis=1, keepdims=True).clip(1e-8)
        top = np.argsort(-(q @ cand.T), axis=1, kind="stable")[:, : k + 1]
        for w, row in zip(chunk, top, strict=True):
            out[w] = [vectors.words[j] for j in row if vectors.words[j] != w][:k]
    return out


@dataclass(frozen=True)
class Augmenter:
    """Tang et al.'s augmentation: per word, mask with ``p_mask``, else swap for a
    neighbour with ``p_swap``; then, with ``p_ngram``, keep only a random n-gram."""

    neighbours: dict
    p_mask: float = 0.1
    p_swap: float = 0.1
    p_ngram: float = 0.25
    max_ngram: int = 5

    def __call__(self, text: str, rng: np.random.Generator) -> str:
        words = tokenize(text)
        out = []
        for w in words:
            r = rng.random()
            if r < self.p_mask:
                out.append(MASK)
            elif r < self.p_mask + self.p_swap and self.neighbours.get(w):
                options = self.neighbours[w]
                out.append(options[int(rng.integers(len(options)))])
            else:
                out.append(w)
        if out and rng.random() < self.p_ngram:
            n = int(rng.integers(1, self.max_ngram + 1))
            start = int(rng.integers(max(1, len(out) - n + 1)))
            out = out[start : start + n]
        return " ".join(out)


def transfer_set(
    texts: Sequence[str],
    reviews: Sequence[str],
    augmenter: Augmenter | None,
    copies: int,
    seed: int = 0,
    exclude: Iterable[str] = (),
) -> list[str]:
    """Distinct texts for the teacher to label: ``texts`` (e.g. SST-2 rows), ``reviews``
    whole and cut into sentences, and ``copies`` augmented versions of every text and
    sentence of four words or more. Texts equal to one in ``exclude`` (validation and
    final splits) are left out. Same inputs and seed, same list."""
    rng = np.random.default_rng(seed)
    pieces = [s for review in reviews for s in sentences(review)]
    base = [*texts, *reviews, *pieces]
    out = list(base)
    if augmenter is not None and copies:
        sources = [t for t in [*texts, *pieces] if len(t.split()) >= 4]
        out += [augmenter(t, rng) for _ in range(copies) for t in sources]
    banned = {text_key(t) for t in exclude}
    seen: set[str] = set()
    kept = []
    for t in out:
        key = text_key(t)
        if key and key not in seen and key not in banned:
            seen.add(key)
            kept.append(t)
    return kept


def teacher_probs(
    bundle, texts: Sequence[str], batch_size: int = 64, shard_dir: str | Path | None = None
) -> list[float]:
    """P(positive) of the teacher (temperature applied) for every text, in order.

    With ``shard_dir`` every 2,000 texts are saved as they are done, and a later call
    with the same bundle and texts picks up at the first missing shard.
    """
    from .batching import batched_logits
    from .predictor import Predictor

    predictor = Predictor(bundle, device=bundle.config.get("device"), top_k=0)
    shard = 2000
    folder = Path(shard_dir) if shard_dir else None
    tag = hashlib.sha256((bundle.version + "\n" + "\n".join(texts)).encode()).hexdigest()[:16]
    out: list[float] = []
    for start in range(0, len(texts), shard):
        path = folder / f"{tag}-{start // shard:05d}.npy" if folder else None
        if path is not None and path.exists():
            out += np.load(path).tolist()
            continue
        ids = [predictor._prepare(t)[0] for t in texts[start : start + shard]]
        logits = batched_logits(predictor.model, ids, batch_size, predictor.device)
        p = torch.softmax(logits / bundle.temperature, 1)[:, 1].numpy().astype(np.float32)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path.with_suffix(".tmp.npy"), p)
            path.with_suffix(".tmp.npy").replace(path)
        out += p.tolist()
    return out


def save_soft_labels(path: str | Path, texts: Sequence[str], probs: Sequence[float], **meta):
    """Write the gzip TSV (``p<TAB>text`` per row, header first); deterministic bytes."""
    lines = [f"# {SOFT_LABELS_FORMAT} {json.dumps(meta, sort_keys=True)}"]
    for t, p in zip(texts, probs, strict=True):
        lines.append(f"{p:.4f}\t{' '.join(t.split())}")
    data = ("\n".join(lines) + "\n").encode()
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
        f.write(data)


def with_soft_rows(
    texts: Sequence[str],
    labels: Sequence[int],
    probs: Sequence[float] | None,
    path: str | Path,
) -> tuple[list[str], list[int], list[float], dict]:
    """Labelled rows followed by a soft-label file's rows, as ``train`` takes them.

    ``probs`` are the teacher's probabilities for the labelled rows (None: their gold
    labels stand in); a soft row's hard label is its rounded probability. Also returns
    the file's header metadata (it names the teacher)."""
    soft_texts, soft_probs, meta = load_soft_labels(path)
    own = [float(y) for y in labels] if probs is None else list(probs)
    return (
        [*texts, *soft_texts],
        [*labels, *(int(p >= 0.5) for p in soft_probs)],
        [*own, *soft_probs],
        meta,
    )


def load_soft_labels(path: str | Path) -> tuple[list[str], list[float], dict]:
    """(texts, P(positive), header metadata); ValueError naming the problem."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            lines = f.read().split("\n")
    except (OSError, EOFError) as exc:
        raise ValueError(f"cannot read soft labels {path}: {exc}") from exc
    prefix = f"# {SOFT_LABELS_FORMAT} "
    if not lines or not lines[0].startswith(prefix):
        raise ValueError(f"{path}: not a soft-label file (expected '{prefix}...')")
    meta = json.loads(lines[0][len(prefix) :])
    texts, probs = [], []
    for n, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        p, sep, text = line.partition("\t")
        try:
            value = float(p)
        except ValueError:
            value = -1.0
        if not sep or not 0.0 <= value <= 1.0:
            raise ValueError(f"{path}:{n}: expected 'P(positive)<TAB>text'")
        texts.append(text)
        probs.append(value)
    return texts, probs, meta
