"""Classification metrics without scikit-learn: accuracy, macro-F1, confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence


def confusion_matrix(
    y_true: Sequence[int], y_pred: Sequence[int], n_classes: int = 2
) -> list[list[int]]:
    """``m[i][j]`` = number of examples of true class ``i`` predicted as ``j``."""
    m = [[0] * n_classes for _ in range(n_classes)]
    for t, p in zip(y_true, y_pred, strict=True):
        m[t][p] += 1
    return m


def classification_metrics(
    y_true: Sequence[int], y_pred: Sequence[int], n_classes: int = 2
) -> dict:
    m = confusion_matrix(y_true, y_pred, n_classes)
    n = len(y_true)
    f1s = []
    for c in range(n_classes):
        tp = m[c][c]
        fp = sum(m[r][c] for r in range(n_classes)) - tp
        fn = sum(m[c]) - tp
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return {
        "accuracy": sum(m[c][c] for c in range(n_classes)) / n if n else 0.0,
        "macro_f1": sum(f1s) / n_classes,
        "n": n,
        "confusion": m,
    }
