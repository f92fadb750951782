"""Training loop: split, vocabulary, embeddings, Adam, early stopping, calibration.

Same data + seed + config gives the same metrics on CPU: every random choice (split,
initialisation, dropout, batch order) derives from ``TrainConfig.seed``.
"""

from __future__ import annotations

import copy
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from .architectures import ARCHITECTURES, build_model, registered_name
from .batching import batched_logits, bucket_batches, pad
from .bundle import Bundle
from .calibration import fit_temperature
from .embeddings import embedding_matrix, load_vectors
from .finetune import finetune
from .metrics import classification_metrics
from .records import config_dict, data_hash, val_scores
from .splits import group_split
from .text import Vocabulary, head_tail, tokenize


@dataclass
class TrainConfig:
    """Everything that decides a training run; stored in the bundle.

    ``embeddings``: ``"glove"`` (packaged 6B-50d), a GloVe text file path, or ``None`` for
    random initialisation. ``extra_vectors`` adds the N most frequent pretrained words to
    the vocabulary so unseen-but-known words still get a meaningful vector at inference.
    ``teacher_weight`` blends hard labels with a teacher's probabilities (distillation).
    ``lr_decay`` multiplies the learning rate after every epoch (1.0: constant).
    """

    arch: str = "cnn"
    hparams: dict = field(default_factory=dict)
    embeddings: str | None = "glove"
    embed_dim: int = 50
    freeze_embeddings: bool = False
    extra_vectors: int = 0
    lr: float = 1e-4
    lr_decay: float = 1.0
    betas: tuple[float, float] = (0.9, 0.999)
    weight_decay: float = 0.0
    batch_size: int = 64
    epochs: int = 20
    patience: int = 3
    val_fraction: float = 0.4
    seed: int = 0
    grad_clip: float = 5.0
    max_tokens: int = 256
    min_freq: int = 1
    max_vocab: int | None = None
    teacher_weight: float = 0.0
    device: str | None = None

    def __post_init__(self) -> None:
        self.arch = registered_name(self.arch)
        if self.arch not in ARCHITECTURES:
            raise ValueError(
                f"unknown architecture {self.arch!r}; choose from "
                f"{', '.join(sorted(ARCHITECTURES))}"
            )
        self.betas = tuple(self.betas)


@dataclass
class TrainResult:
    bundle: Bundle
    history: list[dict]
    metrics: dict
    seconds: float


def resolve_device(device: str | None) -> torch.device:
    """CUDA when available unless a device is named."""
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def encode_texts(vocab: Vocabulary, texts: Sequence[str], max_tokens: int) -> list[list[int]]:
    return [vocab.encode(head_tail(tokenize(t), max_tokens)) for t in texts]


def _targets(labels: Sequence[int], teacher: Sequence[float] | None, weight: float) -> torch.Tensor:
    """Soft targets: (1 - weight) * one-hot label + weight * teacher distribution."""
    y = torch.tensor(labels, dtype=torch.float32)
    p = (
        y
        if teacher is None
        else (1 - weight) * y + weight * torch.tensor(teacher, dtype=torch.float32)
    )
    return torch.stack([1 - p, p], dim=1)


def train(
    texts: Sequence[str],
    labels: Sequence[int],
    config: TrainConfig | None = None,
    val_texts: Sequence[str] | None = None,
    val_labels: Sequence[int] | None = None,
    progress: bool = True,
    teacher_probs: Sequence[float] | None = None,
    checkpoint_dir: str | None = None,
    on_epoch: Callable[[dict, int], None] | None = None,
) -> TrainResult:
    """Train ``config.arch`` on ``texts``/``labels`` (1 = positive) and return a bundle.

    With ``val_texts``/``val_labels`` that fixed set is used for early stopping and
    calibration; otherwise ``config.val_fraction`` of the distinct texts is held out by
    :func:`.splits.group_split` (phrases stay with the texts they come from).
    ``teacher_probs`` (P(positive) per training text) enables distillation.
    ``arch="minilm"`` is fine-tuned by :func:`.finetune.finetune` (WordPiece input, no word
    vocabulary or GloVe); ``checkpoint_dir`` makes that run resumable.
    ``on_epoch(row, epochs)`` is called after each epoch with its history row, so a caller
    can report progress (a retrain job shows "epoch k of n").
    """
    config = config or TrainConfig()
    started = time.perf_counter()
    seed_everything(config.seed)
    device = resolve_device(config.device)
    texts, labels = list(texts), [int(y) for y in labels]
    teacher = None if teacher_probs is None else [float(p) for p in teacher_probs]
    if val_texts is None:
        texts, labels, teacher, val_texts, val_labels = _hold_out(texts, labels, teacher, config)
    val_texts, val_labels = list(val_texts), [int(y) for y in (val_labels or [])]
    if not texts:
        raise ValueError("no training examples")
    targets = _targets(labels, teacher, config.teacher_weight if teacher is not None else 0.0)
    if config.arch == "minilm":
        bundle, history, metrics = finetune(
            texts,
            labels,
            targets,
            config,
            val_texts,
            val_labels,
            device,
            progress,
            checkpoint_dir,
            on_epoch=on_epoch,
        )
        return TrainResult(bundle, history, metrics, time.perf_counter() - started)

    tokens = [head_tail(tokenize(t), config.max_tokens) for t in texts]
    vocab, hparams, model = _word_model(tokens, config)
    train_ids = [vocab.encode(t) for t in tokens]
    # a data-dependent start (ngram: NBSVM) is a model of its own: fine-tuning must beat it
    fitted = bool(getattr(model, "init_from_data", lambda *_: False)(train_ids, labels))
    model.to(device)
    val_ids = encode_texts(vocab, val_texts, config.max_tokens)
    history = _fit_epochs(
        model,
        (train_ids, labels, targets),
        (val_ids, val_labels),
        config,
        device,
        score_start=fitted,
        progress=progress,
        on_epoch=on_epoch,
    )
    temperature, metrics = _calibrate(model, val_ids, val_labels, device)
    metrics = {
        "n_train": len(texts),
        "n_val": len(val_texts),
        "epochs": history[-1]["epoch"] if history else 0,
        **metrics,
        "history": history,
    }
    seconds = time.perf_counter() - started
    metrics["train_seconds"] = round(seconds, 2)
    bundle = Bundle(
        arch=config.arch,
        hparams=hparams,
        vocab=vocab,
        state_dict={k: v.detach().cpu() for k, v in model.state_dict().items()},
        config=config_dict(config),
        metrics=metrics,
        temperature=temperature,
        data_hash=data_hash(texts, labels),
    )
    return TrainResult(bundle, history, metrics, seconds)


def _hold_out(
    texts: list[str], labels: list[int], teacher: list[float] | None, config: TrainConfig
) -> tuple[list[str], list[int], list[float] | None, list[str], list[int]]:
    """(train texts, labels, teacher probabilities, validation texts, labels): the
    ``config.val_fraction`` of the distinct texts :func:`.splits.group_split` holds out."""
    tr, va = group_split(texts, config.val_fraction, config.seed)
    return (
        [texts[i] for i in tr],
        [labels[i] for i in tr],
        None if teacher is None else [teacher[i] for i in tr],
        [texts[i] for i in va],
        [labels[i] for i in va],
    )


def _word_model(tokens: list[list[str]], config: TrainConfig) -> tuple[Vocabulary, dict, nn.Module]:
    """The vocabulary of ``tokens``, the model's hyper-parameters, and the model with its
    embedding table started from the pretrained vectors (or seeded random ones)."""
    vectors = load_vectors(config.embeddings) if config.embeddings else None
    extra = vectors.words[: config.extra_vectors] if vectors is not None else []
    vocab = Vocabulary.build(tokens, config.min_freq, config.max_vocab, extra)
    init, _ = embedding_matrix(vocab, vectors, config.embed_dim, config.seed)
    hparams = {"embed_dim": init.shape[1], **config.hparams}
    model = build_model(config.arch, len(vocab), hparams)
    model.embedding.weight.data.copy_(torch.from_numpy(init))
    model.embedding.weight.requires_grad_(not config.freeze_embeddings)
    return vocab, hparams, model


def _fit_epochs(
    model: nn.Module,
    training: tuple[list[list[int]], list[int], torch.Tensor],
    validation: tuple[list[list[int]], list[int]],
    config: TrainConfig,
    device: torch.device,
    *,
    score_start: bool,
    progress: bool,
    on_epoch: Callable[[dict, int], None] | None,
) -> list[dict]:
    """Train epoch by epoch, early-stopping on validation accuracy (then loss) after
    ``config.patience`` epochs without a better one, and leave ``model`` at its best
    epoch; return the history rows. ``score_start``: the model was fitted to the data
    before training (epoch 0 is scored and may stay the best)."""
    train_ids, labels, targets = training
    val_ids, val_labels = validation
    optimizer = _Optimizer(model, config)
    rng = np.random.default_rng(config.seed)
    history: list[dict] = []
    best: tuple[float, float] | None = None
    best_state, stale = copy.deepcopy(model.state_dict()), 0
    if val_ids and score_start:
        t0 = time.perf_counter()
        row = {
            "epoch": 0,
            "lr": config.lr,
            **val_scores(batched_logits(model, val_ids, 256, device), val_labels),
        }
        best = (row["val_acc"], -row["val_loss"])
        row["seconds"] = round(time.perf_counter() - t0, 3)
        history.append(row)
    for epoch in range(1, config.epochs + 1):
        t0 = time.perf_counter()
        train_loss, train_acc = _run_epoch(
            model, optimizer, train_ids, labels, targets, config, rng, device, progress, epoch
        )
        row = {
            "epoch": epoch,
            "lr": optimizer.param_groups[0]["lr"],
            "train_loss": train_loss,
            "train_acc": train_acc,
        }
        if val_ids:
            logits = batched_logits(model, val_ids, 256, device)
            row.update(val_scores(logits, val_labels))
            key = (row["val_acc"], -row["val_loss"])
            if best is None or key > best:
                best, best_state, stale = key, copy.deepcopy(model.state_dict()), 0
            else:
                stale += 1
        else:
            best_state = copy.deepcopy(model.state_dict())
        row["seconds"] = round(time.perf_counter() - t0, 3)
        history.append(row)
        if on_epoch is not None:
            on_epoch(row, config.epochs)
        if val_ids and stale >= config.patience:
            break
        for group in optimizer.param_groups:
            group["lr"] *= config.lr_decay
    model.load_state_dict(best_state)
    return history


def _calibrate(
    model: nn.Module, val_ids: list[list[int]], val_labels: list[int], device: torch.device
) -> tuple[float, dict]:
    """The softmax temperature fitted on the validation set, and the model's validation
    scores (``val_accuracy``, ...); 1.0 and none without a validation set."""
    if not val_ids:
        return 1.0, {}
    logits = batched_logits(model, val_ids, 256, device)
    temperature = fit_temperature(logits, torch.tensor(val_labels))
    scores = classification_metrics(val_labels, logits.argmax(1).tolist())
    return temperature, {f"val_{k}": v for k, v in scores.items()}


class _Optimizer:
    """Adam, plus lazy Adam (``SparseAdam``) for sparse embedding tables such as the
    ngram model's: a dense Adam step over a million-row table would cost more than the
    rest of the batch. Quacks like ``torch.optim.Optimizer`` for the training loop."""

    def __init__(self, model: nn.Module, config: TrainConfig):
        sparse_ids = {
            id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding) and m.sparse
        }
        params = [p for p in model.parameters() if p.requires_grad]
        dense = [p for p in params if id(p) not in sparse_ids]
        sparse = [p for p in params if id(p) in sparse_ids]
        self.dense_params = dense
        self.optimizers: list[torch.optim.Optimizer] = []
        if dense:
            self.optimizers.append(
                torch.optim.Adam(
                    dense, lr=config.lr, betas=config.betas, weight_decay=config.weight_decay
                )
            )
        if sparse:
            self.optimizers.append(torch.optim.SparseAdam(sparse, lr=config.lr, betas=config.betas))
        self.param_groups = [g for opt in self.optimizers for g in opt.param_groups]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for opt in self.optimizers:
            opt.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        for opt in self.optimizers:
            opt.step()


def _run_epoch(
    model: nn.Module,
    optimizer: _Optimizer,
    ids: list[list[int]],
    labels: list[int],
    targets: torch.Tensor,
    config: TrainConfig,
    rng: np.random.Generator,
    device: torch.device,
    progress: bool,
    epoch: int,
) -> tuple[float, float]:
    model.train()
    batches = bucket_batches([len(s) for s in ids], config.batch_size, rng)
    total_loss, correct, seen = 0.0, 0, 0
    bar = tqdm(
        batches,
        desc=f"epoch {epoch}",
        disable=not progress,
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
    )
    for batch in bar:
        x, lengths = pad([ids[i] for i in batch], device)
        target = targets[batch].to(device)
        logits = model(x, lengths)
        loss = -(target * torch.log_softmax(logits, 1)).sum(1).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.grad_clip:
            nn.utils.clip_grad_norm_(optimizer.dense_params, config.grad_clip)
        optimizer.step()
        n = len(batch)
        total_loss += loss.item() * n
        correct += int((logits.argmax(1).cpu() == torch.tensor([labels[i] for i in batch])).sum())
        seen += n
        bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}")
    return total_loss / max(seen, 1), correct / max(seen, 1)


def fit_mix(
    member_logits: torch.Tensor,
    lengths: torch.Tensor,
    labels: torch.Tensor,
    by_length: bool = True,
    l2: float = 1e-3,
) -> list[list[float]]:
    """Per-member ``[a, b]`` (weight ``a + b * log(length)``) minimising validation NLL.

    ``member_logits`` is (members, texts, classes). Starts from the plain average; a small
    L2 penalty keeps the weights near it when the validation set cannot tell them apart.
    """
    m = member_logits.shape[0]
    logits, labels = member_logits.detach().float(), labels.long()
    log_len = lengths.clamp(min=1).float().log()
    centre = float(log_len.mean()) if len(log_len) else 0.0
    a = torch.full((m,), 1.0 / m, requires_grad=True)
    b = torch.zeros(m, requires_grad=True)
    params = [a, b] if by_length else [a]
    opt = torch.optim.LBFGS(params, lr=1.0, max_iter=500, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        w = a.unsqueeze(1) + b.unsqueeze(1) * (log_len - centre).unsqueeze(0)
        mixed = (w.unsqueeze(-1) * logits).sum(0)
        loss = nn.functional.cross_entropy(mixed, labels) + l2 * ((a - 1.0 / m) ** 2 + b**2).sum()
        loss.backward()
        return loss

    if len(labels):
        opt.step(closure)
    a_, b_ = a.detach(), b.detach()
    return [[float(x - y * centre), float(y)] for x, y in zip(a_, b_, strict=True)]


def combine(
    results: Sequence[TrainResult],
    val_texts: Sequence[str],
    val_labels: Sequence[int],
    mix: str = "mean",
) -> Bundle:
    """One ensemble bundle from models trained on the same vocabulary.

    ``mix="mean"`` averages the members' logits; ``"weights"`` fits one weight per member
    and ``"length"`` a weight that moves with log(text length) (:func:`fit_mix`), both on
    the validation set. The temperature is refitted there too, because mixing changes how
    confident the logits are.
    """
    if mix not in ("mean", "weights", "length"):
        raise ValueError(f"mix must be 'mean', 'weights' or 'length', not {mix!r}")
    bundles = [r.bundle for r in results]
    first = bundles[0]
    if any(b.vocab.itos != first.vocab.itos for b in bundles[1:]):
        raise ValueError("ensemble members must share one vocabulary (same data and min_freq)")
    hparams: dict = {"members": [{"arch": b.arch, "hparams": b.hparams} for b in bundles]}
    state = {f"members.{i}.{k}": v for i, b in enumerate(bundles) for k, v in b.state_dict.items()}
    members = [
        {
            "arch": b.arch,
            "history": r.history,
            "config": b.config,
            **{k: v for k, v in b.metrics.items() if k.startswith("val_") or k == "epochs"},
        }
        for b, r in zip(bundles, results, strict=True)
    ]
    config = {**first.config, "arch": "ensemble", "mix": mix}
    config["max_tokens"] = max(int(b.config.get("max_tokens", 256)) for b in bundles)
    bundle = Bundle(
        arch="ensemble",
        hparams=hparams,
        vocab=first.vocab,
        state_dict=state,
        config=config,
        metrics={"members": members, "train_seconds": round(sum(r.seconds for r in results), 2)},
        data_hash=first.data_hash,
    )
    if val_texts:
        device = resolve_device(first.config.get("device"))
        y = torch.tensor(list(val_labels))
        ids = encode_texts(first.vocab, val_texts, bundle.max_tokens)
        if mix != "mean":
            model = bundle.build_model().to(device)
            per_member = torch.stack(
                [batched_logits(member, ids, 256, device) for member in model.members]
            )
            lengths = torch.tensor([len(s) for s in ids])
            hparams["mix"] = fit_mix(per_member, lengths, y, by_length=mix == "length")
        model = bundle.build_model().to(device)
        logits = batched_logits(model, ids, 256, device)
        bundle.temperature = fit_temperature(logits, y)
        scores = classification_metrics(list(val_labels), logits.argmax(1).tolist())
        bundle.metrics.update({f"val_{k}": v for k, v in scores.items()})
    return bundle
