"""Deterministic, duplicate-aware train/validation splits.

Each text's side is decided by a seeded hash of its normalised form, so identical texts
always land on the same side and a split never moves between runs or machines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def text_key(text: str) -> str:
    """The form under which two texts count as duplicates."""
    return " ".join(text.lower().split())


def hash_unit(text: str, seed: int) -> float:
    """A number in [0, 1) fixed by ``text`` and ``seed``."""
    digest = hashlib.blake2b(f"{seed}\0{text_key(text)}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def dedup_split(
    texts: Sequence[str], val_fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """Indices (train, validation); roughly ``val_fraction`` of distinct texts go to validation."""
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    train, val = [], []
    for i, text in enumerate(texts):
        (val if hash_unit(text, seed) < val_fraction else train).append(i)
    return train, val


def whole_sentences(texts: Sequence[str], min_words: int = 4) -> set[str]:
    """Keys of the rows not contained in any other row: the treebank's whole sentences."""
    distinct = sorted({text_key(t) for t in texts}, key=lambda k: (-len(k), k))
    maximal: set[str] = set()
    pool = ""
    for key in distinct:
        if key.count(" ") + 1 >= min_words and f" {key} " not in pool:
            maximal.add(key)
            pool += f" {key} \n"
    return maximal


def sentence_split(
    texts: Sequence[str], n_val: int, seed: int, min_words: int = 4
) -> tuple[list[int], list[int]]:
    """Hold out ``n_val`` full sentences of a phrase-level treebank (SST-2 train).

    SST-2 train rows are mostly phrases cut from ~6,900 sentences, while its dev set is full
    sentences. The validation rows are whole sentences (see :func:`whole_sentences`) chosen
    by seeded hash; every row that is a phrase of a held-out sentence is dropped from
    training too, so the estimate is not inflated by leaked sub-phrases.
    Returns (train, validation) indices.
    """
    keys = [text_key(t) for t in texts]
    maximal = whole_sentences(texts, min_words)
    chosen = set(sorted(maximal, key=lambda k: hash_unit(k, seed))[:n_val])
    held_out = "".join(f" {k} \n" for k in chosen)
    train, val = [], []
    for i, key in enumerate(keys):
        if key in chosen:
            val.append(i)
        elif f" {key} " not in held_out:
            train.append(i)
    return train, val
