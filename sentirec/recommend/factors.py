"""The index-space data both trainers learn from, and the factors they hand back.

Kept apart from the trainers so the model facade, the rating trainer and the ranking
trainer share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Graph:
    """Index-space training data shared by the trainers: ratings and trust edges."""

    users: np.ndarray
    items: np.ndarray
    values: np.ndarray
    trust: np.ndarray  # (E, 2) truster, trustee; empty when trust is off
    n_users: int
    n_items: int
    item_groups: np.ndarray | None = None  # group index (0..G-1) of each item


@dataclass
class Factors:
    """What a trained model serves from: effective user vectors, item vectors, biases,
    and the pieces needed to fold in a user who was not in the training data."""

    global_mean: float
    user_bias: np.ndarray
    item_bias: np.ndarray
    user_vectors: np.ndarray
    item_vectors: np.ndarray
    implicit_vectors: np.ndarray | None
    trust_vectors: np.ndarray | None
    group_vectors: np.ndarray | None = None  # an unseen item of group g gets these
    group_bias: np.ndarray | None = None
