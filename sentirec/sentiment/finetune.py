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
    hparams = {**config.hparams}
    if hparams.get("pretrained", True):
        hparams["base_sha256"] = base_sha256()
    model = build_model("minilm", 0, hparams).to(device)
    train_ids = encode_all(texts, config.max_tokens)
    val_ids = encode_all(val_texts, config.max_tokens)
    rng = np.random.default_rng(config.seed)
    plan = [bucket_batches([len(s) for s in train_ids], config.batch_size, rng)]
    plan += [
        bucket_batches([len(s) for s in train_ids], config.batch_size, rng)
        for _ in range(config.epochs - 1)
    ]
    total = sum(len(p) for p in plan)
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        trained, lr=config.lr, betas=config.betas, weight_decay=config.weight_decay
    )
    warm = max(1, int(WARMUP * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    state = {"step": 0, "history": [], "best": None, "best_state": None, "stale": 0, "sums": {}}
    ckpt = Path(checkpoint_dir) / "state.pt" if checkpoint_dir else None
    if ckpt is not None and ckpt.exists():
        saved = torch.load(ckpt, map_location="cpu", weights_only=False)
        now = config_dict(config)
        changed = [k for k in saved["config"].keys() & now.keys() if saved["config"][k] != now[k]]
        if saved["data_hash"] != data_hash(texts, labels) or set(changed) - {"device"}:
            raise ValueError(f"{ckpt} belongs to another run (data or config differ)")
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        torch.set_rng_state(saved["torch_rng"])
        state = saved["state"]
    started = time.perf_counter()
    step = 0
    for epoch, batches in enumerate(plan, start=1):
        if state["step"] >= step + len(batches):
            step += len(batches)
            continue
        model.train()
        sums = state["sums"].setdefault(str(epoch), [0.0, 0, 0])
        t0 = time.perf_counter()
        bar = tqdm(batches, desc=f"epoch {epoch}", disable=not progress, file=sys.stderr)
        for batch in bar:
            step += 1
            if step <= state["step"]:
                continue
            x, lengths = pad([train_ids[i] for i in batch], device)
            logits = model(x, lengths)
            loss = -(targets[batch].to(device) * torch.log_softmax(logits, 1)).sum(1).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip:
                nn.utils.clip_grad_norm_(trained, config.grad_clip)
            optimizer.step()
            schedule.step()
            gold = torch.tensor([labels[i] for i in batch])
            sums[0] += loss.item() * len(batch)
            sums[1] += int((logits.argmax(1).cpu() == gold).sum())
            sums[2] += len(batch)
            state["step"] = step
            bar.set_postfix(loss=f"{sums[0] / sums[2]:.4f}", acc=f"{sums[1] / sums[2]:.3f}")
            if ckpt is not None and step % shard == 0:
                _save(ckpt, model, optimizer, schedule, state, texts, labels, config)
        row = {
            "epoch": epoch,
            "lr": config.lr,
            "train_loss": sums[0] / max(1, sums[2]),
            "train_acc": sums[1] / max(1, sums[2]),
        }
        if val_ids:
            row.update(val_scores(batched_logits(model, val_ids, 64, device), val_labels))
            key = (row["val_acc"], -row["val_loss"])
            if state["best"] is None or key > tuple(state["best"]):
                state["best"], state["stale"] = key, 0
                state["best_state"] = copy.deepcopy(model.state_dict())
            else:
                state["stale"] += 1
        else:
            state["best_state"] = copy.deepcopy(model.state_dict())
        row["seconds"] = round(time.perf_counter() - t0, 3)
        state["history"].append(row)
        if on_epoch is not None:
            on_epoch(row, config.epochs)
        if ckpt is not None:
            _save(ckpt, model, optimizer, schedule, state, texts, labels, config)
            with open(ckpt.parent / "log.jsonl", "a", encoding="utf-8") as log:
                log.write(json.dumps(row) + "\n")
        if val_ids and state["stale"] >= config.patience:
            break

    model.load_state_dict(state["best_state"])
    history = state["history"]
    metrics: dict = {
        "n_train": len(texts),
        "n_val": len(val_texts),
        "epochs": history[-1]["epoch"] if history else 0,
        "base": BASE_NAME,
    }
    temperature = 1.0
    if val_ids:
        logits = batched_logits(model, val_ids, 64, device)
        temperature = fit_temperature(logits, torch.tensor(val_labels))
        scores = classification_metrics(val_labels, logits.argmax(1).tolist())
        metrics.update({f"val_{k}": v for k, v in scores.items()})
    metrics["history"] = history
    metrics["train_seconds"] = round(time.perf_counter() - started, 2)
    bundle = Bundle(
        arch="minilm",
        hparams=hparams,
        vocab=Vocabulary([]),
        state_dict={k: v.detach().cpu() for k, v in model.state_dict().items()},
        config=config_dict(config),
        metrics=metrics,
        temperature=temperature,
        data_hash=data_hash(texts, labels),
    )
    return bundle, history, metrics


def _save(ckpt: Path, model, optimizer, schedule, state, texts, labels, config) -> None:
    ckpt.parent.mkdir(parents=True, exist_ok=True)
    tmp = ckpt.with_name(ckpt.name + ".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "schedule": schedule.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "state": state,
            "data_hash": data_hash(texts, labels),
            "config": config_dict(config),
        },
        tmp,
    )
    tmp.replace(ckpt)
