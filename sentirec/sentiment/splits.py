"""Deterministic, duplicate- and phrase-aware train/validation splits.

Each text's side is decided by a seeded hash of its normalised form, so identical texts
always land on the same side and a split never moves between runs or machines.
:func:`group_split` also keeps a phrase with the texts it was cut from (SST-2 train is
mostly phrases of its own sentences), which :func:`dedup_split` alone does not.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
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


def containers(texts: Sequence[str]) -> dict[str, set[str]]:
    """For each distinct text (by :func:`text_key`) that occurs word for word inside a
    longer one, the keys of the longest texts containing it (those no other text contains).

    Candidates come from an inverted index on each text's two rarest words, so the cost
    grows with how often words are shared, not with the square of the corpus.
    """
    keys = sorted({text_key(t) for t in texts}, key=lambda k: (-len(k), k))
    words = {k: set(k.split()) for k in keys}
    postings: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        for w in words[k]:
            postings[w].append(k)
    found: dict[str, set[str]] = {}
    for k in keys:
        rare = sorted(words[k], key=lambda w: (len(postings[w]), w))[:2]
        if not rare:
            continue
        candidates = set(postings[rare[0]]).intersection(*(postings[w] for w in rare[1:]))
        outer = {
            c for c in candidates if len(c) > len(k) and c not in found and f" {k} " in f" {c} "
        }
        if outer:
            found[k] = outer
    return found


def group_split(
    texts: Sequence[str], val_fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """(train, validation) indices where no validation text occurs inside a training one
    and duplicates share a side.

    The texts no other text contains are split by seeded hash, as in :func:`dedup_split`;
    a text inside others follows them, and one inside texts on both sides (a common
    phrase such as "the film") is left out of both, because on either side it would be
    seen in training as part of a longer text.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    inside = containers(texts)

    def in_val(key: str) -> bool:
        return hash_unit(key, seed) < val_fraction

    side: dict[str, bool | None] = {}
    train, val = [], []
    for i, text in enumerate(texts):
        key = text_key(text)
        if key not in side:
            outer = {in_val(c) for c in inside.get(key, ())} or {in_val(key)}
            side[key] = outer.pop() if len(outer) == 1 else None
        if side[key] is not None:
            (val if side[key] else train).append(i)
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
