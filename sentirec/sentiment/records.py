"""What every training run records, whatever the model: the settings as plain data, a hash
of the examples, and the validation loss and accuracy that early stopping compares.

Shared by :mod:`.training` (word models) and :mod:`.finetune` (``minilm``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import torch
from torch import nn


def data_hash(texts: Sequence[str], labels: Sequence[int]) -> str:
    """SHA-256 of the training examples, in order, recorded in the bundle."""
    h = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        h.update(f"{label}\t{text}\n".encode())
    return h.hexdigest()


def config_dict(config: Any) -> dict:
    """A :class:`.training.TrainConfig` as JSON-ready data (bundles and checkpoints)."""
    out = asdict(config)
    out["betas"] = list(config.betas)
    return out


def val_scores(logits: torch.Tensor, labels: Sequence[int]) -> dict:
    """Validation cross-entropy and accuracy of ``logits`` against ``labels``."""
    y = torch.tensor(labels)
    return {
        "val_loss": float(nn.functional.cross_entropy(logits, y)),
        "val_acc": float((logits.argmax(1) == y).float().mean()),
    }
