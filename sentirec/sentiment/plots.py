"""PNG figures for the admin and the benchmark page (matplotlib, Agg backend, no display)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def training_curve_png(history: Sequence[dict]) -> bytes:
    """Loss and accuracy per epoch, train and validation."""
    epochs = [row["epoch"] for row in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.4))
    for key, ax in (("loss", ax_loss), ("acc", ax_acc)):
        for split in ("train", "val"):
            values = [row.get(f"{split}_{key}") for row in history]
            if any(v is not None for v in values):
                ax.plot(epochs, values, marker="o", label=split)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("accuracy" if key == "acc" else "loss")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("training curve")
    return _png(fig)


def confusion_matrix_png(confusion: Sequence[Sequence[int]], labels: Sequence[str]) -> bytes:
    """Counts of true (rows) vs predicted (columns) labels."""
    fig, ax = plt.subplots(figsize=(3.8, 3.4))
    ax.imshow(confusion, cmap="Blues")
    for i, row in enumerate(confusion):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return _png(fig)


def accuracy_throughput_png(points: Sequence[tuple[str, float, float]], title: str = "") -> bytes:
    """Scatter of (name, reviews/s, accuracy), throughput on a log axis."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, speed, accuracy in points:
        ax.scatter(speed, accuracy)
        ax.annotate(name, (speed, accuracy), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("reviews / s (log)")
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return _png(fig)
