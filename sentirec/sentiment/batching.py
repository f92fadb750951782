"""Length-bucketed batches and padding, shared by training and inference.

Sorting by length before batching means short sentences are not padded to the length of
a long review, which is most of the speed on CPU.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor, nn

from .text import PAD_ID


def bucket_batches(
    lengths: Sequence[int],
    batch_size: int,
    rng: np.random.Generator | None = None,
    window: int = 50,
    max_tokens: int | None = None,
) -> list[list[int]]:
    """Batches of indices with similar lengths.

    Without ``rng`` (inference) indices are fully sorted by length. With ``rng`` (training)
    the data is shuffled, sorted within windows of ``window`` batches, and the batch order
    shuffled, so batches stay length-homogeneous but differ every epoch. ``max_tokens``
    also caps a batch's padded size (rows times its longest row; one row at least).
    """
    order = np.arange(len(lengths))
    lens = np.asarray(lengths)
    if rng is None:
        order = order[np.argsort(lens, kind="stable")]
    else:
        order = rng.permutation(order)
        chunk = batch_size * window
        order = (
            np.concatenate(
                [
                    part[np.argsort(lens[part], kind="stable")]
                    for part in np.array_split(order, max(1, -(-len(order) // chunk)))
                ]
            )
            if len(order)
            else order
        )
    batches = [order[i : i + batch_size].tolist() for i in range(0, len(order), batch_size)]
    if max_tokens is not None:
        batches = [part for batch in batches for part in _within(batch, lens, max_tokens)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def _within(batch: list[int], lengths: np.ndarray, max_tokens: int) -> list[list[int]]:
    """``batch`` cut, in order, into parts whose rows times longest row fit ``max_tokens``."""
    parts: list[list[int]] = [[]]
    longest = 0
    for index in batch:
        longest = max(longest, int(lengths[index]), 1)
        if parts[-1] and (len(parts[-1]) + 1) * longest > max_tokens:
            parts.append([])
            longest = max(int(lengths[index]), 1)
        parts[-1].append(index)
    return parts


def pad(
    sequences: Sequence[Sequence[int]], device: torch.device | str = "cpu"
) -> tuple[Tensor, Tensor]:
    """(ids, lengths) tensors; empty sequences get one pad position (length 0)."""
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.long)
    ids = torch.full(
        (len(sequences), max(1, int(lengths.max()) if len(sequences) else 1)),
        PAD_ID,
        dtype=torch.long,
    )
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = torch.as_tensor(seq, dtype=torch.long)
    return ids.to(device), lengths.to(device)


def batched_logits(
    model: nn.Module,
    sequences: Sequence[Sequence[int]],
    batch_size: int,
    device: torch.device | str,
) -> Tensor:
    """Logits for every sequence (in input order), computed in length-sorted batches."""
    model.eval()
    out: Tensor | None = None
    with torch.no_grad():
        for batch in bucket_batches([len(s) for s in sequences], batch_size):
            logits = model(*pad([sequences[i] for i in batch], device)).float().cpu()
            if out is None:
                out = torch.empty(len(sequences), logits.shape[1])
            out[batch] = logits
    return out if out is not None else torch.empty(0, 2)
