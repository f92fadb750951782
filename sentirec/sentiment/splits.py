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


def holdout_sentences(
    texts: Sequence[str], sizes: Sequence[int], seed: int, min_words: int = 4
) -> list[list[int]]:
    """Hold out whole sentences of a phrase-level treebank (SST-2 train) in several parts.

    SST-2 train rows are mostly phrases cut from ~6,900 sentences, while its dev set is full
    sentences. The held-out rows are whole sentences (see :func:`whole_sentences`) ranked by
    seeded hash: the first ``sizes[0]`` form part 1, the next ``sizes[1]`` part 2, and so
    on, so adding a part never moves an earlier one. Every row that is a phrase of any
    held-out sentence is dropped from training too, so no estimate is inflated by leaked
    sub-phrases. Returns ``[train, part 1, part 2, ...]`` indices.
    """
    keys = [text_key(t) for t in texts]
    ranked = sorted(whole_sentences(texts, min_words), key=lambda k: hash_unit(k, seed))
    part_of: dict[str, int] = {}
    start = 0
    for part, size in enumerate(sizes, start=1):
        part_of.update((k, part) for k in ranked[start : start + size])
        start += size
    held_out = "".join(f" {k} \n" for k in part_of)
    out: list[list[int]] = [[] for _ in range(len(sizes) + 1)]
    for i, key in enumerate(keys):
        if key in part_of:
            out[part_of[key]].append(i)
        elif f" {key} " not in held_out:
            out[0].append(i)
    return out


def sentence_split(
    texts: Sequence[str], n_val: int, seed: int, min_words: int = 4
) -> tuple[list[int], list[int]]:
    """(train, validation) indices: :func:`holdout_sentences` with one part."""
    train, val = holdout_sentences(texts, [n_val], seed, min_words)
    return train, val


def fraction_split(texts: Sequence[str], fractions: Sequence[float], seed: int) -> list[list[int]]:
    """``[rest, part 1, part 2, ...]`` indices, part k holding about ``fractions[k-1]`` of
    the distinct texts; duplicates share a side (the same cut of one seeded hash as
    :func:`dedup_split`, so part 1 equals ``dedup_split``'s validation side)."""
    bounds = [sum(fractions[: k + 1]) for k in range(len(fractions))]
    if any(f < 0 for f in fractions) or (bounds and bounds[-1] >= 1.0):
        raise ValueError(f"fractions must be >= 0 and sum to less than 1, got {fractions}")
    out: list[list[int]] = [[] for _ in range(len(fractions) + 1)]
    for i, text in enumerate(texts):
        u = hash_unit(text, seed)
        out[next((k + 1 for k, b in enumerate(bounds) if u < b), 0)].append(i)
    return out
