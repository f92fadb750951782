"""Temperature scaling (Guo et al., 2017) and expected calibration error.

Dividing logits by one scalar fitted on validation data makes "confidence 0.9" mean
right about 90 % of the time, without changing any prediction.
"""

from __future__ import annotations

import itertools

import torch
from torch import Tensor


def fit_temperature(logits: Tensor, labels: Tensor, steps: int = 200) -> float:
    """The temperature minimising validation negative log-likelihood (clamped to [0.05, 20])."""
    if len(labels) == 0:
        return 1.0
    logits, labels = logits.detach().float().clone(), labels.long()
    log_t = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")

    def closure() -> Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp().clamp(0.05, 20.0))


def expected_calibration_error(confidence: Tensor, correct: Tensor, bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by bin size."""
    if len(confidence) == 0:
        return 0.0
    edges = torch.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.any():
            ece += float(in_bin.float().mean()) * abs(
                float(correct[in_bin].float().mean()) - float(confidence[in_bin].mean())
            )
    return ece
