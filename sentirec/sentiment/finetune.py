"""Fine-tuning the ``minilm`` tier: AdamW, linear warm-up and decay, resumable shards.

A transformer epoch on 2 CPU cores takes an hour, so with ``checkpoint_dir`` the run
saves its trained weights, optimizer, schedule and random state every ``shard`` batches
and a later call with the same arguments continues from the last shard instead of
starting over. The batch order is fixed by the seed up front, so a resumed run sees the
same batches as an uninterrupted one. :func:`.training.train` calls this for
``arch="minilm"``.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from .architectures import build_model
from .batching import batched_logits, bucket_batches, pad
from .bundle import Bundle
from .calibration import fit_temperature
from .metrics import classification_metrics
from .minilm import BASE_NAME, base_sha256, encode_pieces
from .records import config_dict, data_hash, val_scores
from .text import Vocabulary

WARMUP = 0.06  # fraction of the steps over which the learning rate rises linearly


def encode_all(texts: Sequence[str], max_pieces: int) -> list[list[int]]:
    return [encode_pieces(t, max_pieces)[0] for t in texts]


def finetune(
    texts: list[str],
    labels: list[int],
    targets: torch.Tensor,
    config,
    val_texts: list[str],
    val_labels: list[int],
    device: torch.device,
    progress: bool = True,
    checkpoint_dir: str | Path | None = None,
    shard: int = 50,
    on_epoch: Callable[[dict, int], None] | None = None,
) -> tuple[Bundle, list[dict], dict]:
    """Fine-tune ``minilm`` (``config`` is a :class:`.training.TrainConfig`).

    ``targets`` are the (texts, 2) soft targets. Returns (bundle, history, metrics); the
    caller wraps them. Early stopping and the temperature use the validation set;
    ``on_epoch(row, epochs)`` is called after each epoch, as in :func:`.training.train`.
    """
    run = _FineTuning(texts, labels, targets, config, device, checkpoint_dir, shard)
    val_ids = encode_all(val_texts, config.max_tokens)
    started = time.perf_counter()
    step = 0
    for epoch, batches in enumerate(run.plan, start=1):
        if run.state["step"] >= step + len(batches):  # done before a resume
            step += len(batches)
            continue
        t0 = time.perf_counter()
        step, row = run.epoch(epoch, batches, step, progress)
        if val_ids:
            row.update(val_scores(batched_logits(run.model, val_ids, 64, device), val_labels))
        run.keep_if_best(row if val_ids else None)
        row["seconds"] = round(time.perf_counter() - t0, 3)
        run.state["history"].append(row)
        if on_epoch is not None:
            on_epoch(row, config.epochs)
        run.end_of_epoch(row)
        if val_ids and run.state["stale"] >= config.patience:
            break
    run.model.load_state_dict(run.state["best_state"])
    bundle = run.bundle(val_ids, val_labels, started)
    return bundle, bundle.metrics["history"], bundle.metrics


class _FineTuning:
    """One run's model, optimizer, schedule and progress, restored from its checkpoint when
    there is one. The batch order of every epoch is drawn up front from the seed, so a
    resumed run sees the batches an uninterrupted one would."""

    def __init__(self, texts, labels, targets, config, device, checkpoint_dir, shard: int):
        self.texts, self.labels, self.targets = texts, labels, targets
        self.config, self.device, self.shard = config, device, shard
        self.hparams = {**config.hparams}
        if self.hparams.get("pretrained", True):
            self.hparams["base_sha256"] = base_sha256()
        self.model = build_model("minilm", 0, self.hparams).to(device)
        self.train_ids = encode_all(texts, config.max_tokens)
        rng = np.random.default_rng(config.seed)
        lengths = [len(s) for s in self.train_ids]
        self.plan = [bucket_batches(lengths, config.batch_size, rng) for _ in range(config.epochs)]
        self.trained = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(
            self.trained, lr=config.lr, betas=config.betas, weight_decay=config.weight_decay
        )
        self.schedule = _warm_up_then_decay(self.optimizer, sum(len(p) for p in self.plan))
        self.state = {
            "step": 0, "history": [], "best": None, "best_state": None, "stale": 0, "sums": {}
        }  # fmt: skip
        self.ckpt = Path(checkpoint_dir) / "state.pt" if checkpoint_dir else None
        if self.ckpt is not None and self.ckpt.exists():
            self._resume()

    def _resume(self) -> None:
        saved = torch.load(self.ckpt, map_location="cpu", weights_only=False)
        now = config_dict(self.config)
        changed = [k for k in saved["config"].keys() & now.keys() if saved["config"][k] != now[k]]
        if saved["data_hash"] != data_hash(self.texts, self.labels) or set(changed) - {"device"}:
            raise ValueError(f"{self.ckpt} belongs to another run (data or config differ)")
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        self.schedule.load_state_dict(saved["schedule"])
        torch.set_rng_state(saved["torch_rng"])
        self.state = saved["state"]

    def epoch(self, epoch: int, batches: list[list[int]], step: int, progress: bool):
        """Train on ``batches`` (skipping those a resumed run already took), saving every
        ``shard`` steps; returns the step reached and the epoch's training row."""
        self.model.train()
        sums = self.state["sums"].setdefault(str(epoch), [0.0, 0, 0])
        bar = tqdm(batches, desc=f"epoch {epoch}", disable=not progress, file=sys.stderr)
        for batch in bar:
            step += 1
            if step <= self.state["step"]:
                continue
            loss, correct = self._step(batch)
            sums[0] += loss * len(batch)
            sums[1] += correct
            sums[2] += len(batch)
            self.state["step"] = step
            bar.set_postfix(loss=f"{sums[0] / sums[2]:.4f}", acc=f"{sums[1] / sums[2]:.3f}")
            if self.ckpt is not None and step % self.shard == 0:
                self._save()
        row = {
            "epoch": epoch,
            "lr": self.config.lr,
            "train_loss": sums[0] / max(1, sums[2]),
            "train_acc": sums[1] / max(1, sums[2]),
        }
        return step, row

    def _step(self, batch: list[int]) -> tuple[float, int]:
        """One optimizer step on the soft targets; the batch's loss and correct count."""
        x, lengths = pad([self.train_ids[i] for i in batch], self.device)
        logits = self.model(x, lengths)
        soft = self.targets[batch].to(self.device)
        loss = -(soft * torch.log_softmax(logits, 1)).sum(1).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.config.grad_clip:
            nn.utils.clip_grad_norm_(self.trained, self.config.grad_clip)
        self.optimizer.step()
        self.schedule.step()
        gold = torch.tensor([self.labels[i] for i in batch])
        return loss.item(), int((logits.argmax(1).cpu() == gold).sum())

    def keep_if_best(self, row: dict | None) -> None:
        """Keep the weights when validation improved (always, without a validation set)."""
        if row is None:
            self.state["best_state"] = copy.deepcopy(self.model.state_dict())
            return
        key = (row["val_acc"], -row["val_loss"])
        if self.state["best"] is None or key > tuple(self.state["best"]):
            self.state["best"], self.state["stale"] = key, 0
            self.state["best_state"] = copy.deepcopy(self.model.state_dict())
        else:
            self.state["stale"] += 1

    def end_of_epoch(self, row: dict) -> None:
        """Save the checkpoint and append the epoch's row to its log."""
        if self.ckpt is None:
            return
        self._save()
        with open(self.ckpt.parent / "log.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps(row) + "\n")

    def bundle(self, val_ids: list[list[int]], val_labels: list[int], started: float) -> Bundle:
        """The trained weights as a bundle, temperature fitted on the validation set;
        ``started`` is when training started (``time.perf_counter()``)."""
        history = self.state["history"]
        metrics: dict = {
            "n_train": len(self.texts),
            "n_val": len(val_ids),
            "epochs": history[-1]["epoch"] if history else 0,
            "base": BASE_NAME,
        }
        temperature = 1.0
        if val_ids:
            logits = batched_logits(self.model, val_ids, 64, self.device)
            temperature = fit_temperature(logits, torch.tensor(val_labels))
            scores = classification_metrics(val_labels, logits.argmax(1).tolist())
            metrics.update({f"val_{k}": v for k, v in scores.items()})
        metrics["history"] = history
        metrics["train_seconds"] = round(time.perf_counter() - started, 2)
        return Bundle(
            arch="minilm",
            hparams=self.hparams,
            vocab=Vocabulary([]),
            state_dict={k: v.detach().cpu() for k, v in self.model.state_dict().items()},
            config=config_dict(self.config),
            metrics=metrics,
            temperature=temperature,
            data_hash=data_hash(self.texts, self.labels),
        )

    def _save(self) -> None:
        """Write the checkpoint beside itself, then move it in place: a run killed while
        saving keeps the last whole one."""
        self.ckpt.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.ckpt.with_name(self.ckpt.name + ".tmp")
        torch.save(
            {
                "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "schedule": self.schedule.state_dict(),
                "torch_rng": torch.get_rng_state(),
                "state": self.state,
                "data_hash": data_hash(self.texts, self.labels),
                "config": config_dict(self.config),
            },
            tmp,
        )
        tmp.replace(self.ckpt)


def _warm_up_then_decay(optimizer, total: int) -> torch.optim.lr_scheduler.LambdaLR:
    """The learning rate rises linearly over the first ``WARMUP`` of the ``total`` steps,
    then falls linearly to 0."""
    warm = max(1, int(WARMUP * total))
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
