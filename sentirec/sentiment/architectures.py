"""The model registry: ``mlp``, ``cnn``, ``lstm``, ``rnn``, ``seqcnn`` (+ ``ensemble``).

Every model maps ``(ids, lengths)`` -> logits and exposes per-token weights through
:meth:`SentimentModel.token_weights`: attention for the models that have it, gradient x
input salience for the others. Hyper-parameters are plain keyword arguments so a bundle can
rebuild a model from ``arch`` + ``hparams`` alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

_NEG = -1e4  # additive mask value: finite so fully padded rows never produce NaN


class AttentionPool(nn.Module):
    """Additive attention over positions (Bahdanau style): returns context and weights."""

    def __init__(self, dim: int, hidden: int = 64):
        super().__init__()
        self.proj = nn.Linear(dim, hidden)
        self.score = nn.Linear(hidden, 1, bias=False)

    def forward(self, h: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        scores = self.score(torch.tanh(self.proj(h))).squeeze(-1).masked_fill(~mask, _NEG)
        weights = torch.softmax(scores, dim=1)
        return torch.bmm(weights.unsqueeze(1), h).squeeze(1), weights


def masked_max(h: Tensor, mask: Tensor) -> Tensor:
    return h.masked_fill(~mask.unsqueeze(-1), _NEG).max(dim=1).values


def masked_mean(h: Tensor, mask: Tensor) -> Tensor:
    m = mask.unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1.0)


def run_packed(rnn: nn.RNNBase, x: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
    """Run ``rnn`` over the valid prefix of each row; returns (outputs, final hidden)."""
    packed = pack_padded_sequence(
        x, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False
    )
    out, hidden = rnn(packed)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return out, (hidden[0] if isinstance(hidden, tuple) else hidden)


class SentimentModel(nn.Module):
    """Shared interface: an embedding layer followed by an architecture-specific head."""

    has_attention = False

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int = 50,
        num_classes: int = 2,
        dropout: float = 0.5,
        embed_dropout: float = 0.1,
    ):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.embed_dropout = nn.Dropout(embed_dropout)
        self.dropout = nn.Dropout(dropout)
        self.num_classes = num_classes

    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        return self.classify(self.embedding(ids), ids != 0, lengths)[0]

    def classify(self, emb: Tensor, mask: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor | None]:
        """Logits (and attention weights, if the architecture has them) for embedded input."""
        raise NotImplementedError

    def token_weights(self, ids: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        """Logits and (batch, time) weights summing to 1 per row: what drove each decision."""
        mask = ids != 0
        if self.has_attention:
            with torch.no_grad():
                logits, weights = self.classify(self.embedding(ids), mask, lengths)
            return logits, weights
        return self._salience(ids, mask, lengths)

    def _salience(self, ids: Tensor, mask: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        """Gradient x input toward the predicted class, negative contributions dropped."""
        with torch.enable_grad():
            emb = self.embedding(ids).detach().requires_grad_(True)
            logits, _ = self.classify(emb, mask, lengths)
            pred = logits.argmax(dim=1, keepdim=True)
            other = logits.masked_fill(
                torch.nn.functional.one_hot(pred.squeeze(1), logits.shape[1]).bool(), _NEG
            )
            margin = logits.gather(1, pred).squeeze(1) - other.max(dim=1).values
            (grad,) = torch.autograd.grad(margin.sum(), emb)
        contrib = (grad * emb).sum(-1).clamp(min=0).masked_fill(~mask, 0.0).detach()
        total = contrib.sum(1, keepdim=True)
        uniform = mask.float() / mask.sum(1, keepdim=True).clamp(min=1)
        return logits.detach(), torch.where(total > 0, contrib / total.clamp(min=1e-12), uniform)


class MLP(SentimentModel):
    """Fully connected network over mean- and max-pooled word embeddings."""

    def __init__(self, vocab_size: int, embed_dim: int = 50, hidden: int = 128, **kw):
        super().__init__(vocab_size, embed_dim, **kw)
        self.net = nn.Sequential(
            nn.Linear(2 * embed_dim, hidden),
            nn.ReLU(),
            self.dropout,
            nn.Linear(hidden, self.num_classes),
        )

    def classify(self, emb, mask, lengths):
        emb = self.embed_dropout(emb)
        return self.net(torch.cat([masked_mean(emb, mask), masked_max(emb, mask)], 1)), None


class TextCNN(SentimentModel):
    """Kim-style TextCNN (several widths, max pooling) plus attention over positions."""

    has_attention = True

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int = 50,
        filters: int = 100,
        widths: Sequence[int] = (3, 4, 5),
        **kw,
    ):
        super().__init__(vocab_size, embed_dim, **kw)
        self.convs = nn.ModuleList(nn.Conv1d(embed_dim, filters, w, padding=w // 2) for w in widths)
        feat = filters * len(widths)
        self.attention = AttentionPool(feat)
        self.out = nn.Linear(2 * feat, self.num_classes)

    def classify(self, emb, mask, lengths):
        x = self.embed_dropout(emb).transpose(1, 2)
        t = x.shape[2]
        h = torch.cat([torch.relu(conv(x))[:, :, :t] for conv in self.convs], 1).transpose(1, 2)
        context, weights = self.attention(h, mask)
        return self.out(self.dropout(torch.cat([context, masked_max(h, mask)], 1))), weights


class BiLSTM(SentimentModel):
    """Bidirectional LSTM with attention pooling (concatenated with max pooling)."""

    has_attention = True

    def __init__(
        self, vocab_size: int, embed_dim: int = 50, hidden: int = 128, layers: int = 1, **kw
    ):
        super().__init__(vocab_size, embed_dim, **kw)
        self.rnn = nn.LSTM(embed_dim, hidden, layers, batch_first=True, bidirectional=True)
        self.attention = AttentionPool(2 * hidden)
        self.out = nn.Linear(4 * hidden, self.num_classes)

    def classify(self, emb, mask, lengths):
        h, _ = run_packed(self.rnn, self.embed_dropout(emb), lengths)
        context, weights = self.attention(h, mask)
        return self.out(self.dropout(torch.cat([context, masked_max(h, mask)], 1))), weights


class PlainRNN(SentimentModel):
    """Baseline: a unidirectional GRU (or Elman RNN) classifying from its last state."""

    def __init__(
        self, vocab_size: int, embed_dim: int = 50, hidden: int = 128, cell: str = "gru", **kw
    ):
        super().__init__(vocab_size, embed_dim, **kw)
        if cell not in ("gru", "elman"):
            raise ValueError(f"rnn cell must be 'gru' or 'elman', not {cell!r}")
        rnn_cls = nn.GRU if cell == "gru" else nn.RNN
        self.rnn = rnn_cls(embed_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, self.num_classes)

    def classify(self, emb, mask, lengths):
        _, last = run_packed(self.rnn, self.embed_dropout(emb), lengths)
        return self.out(self.dropout(last[-1])), None


class SeqCNN(SentimentModel):
    """Sequence model first, convolution second: BiLSTM outputs -> Conv1d -> max pooling."""

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int = 50,
        hidden: int = 64,
        filters: int = 100,
        width: int = 3,
        **kw,
    ):
        super().__init__(vocab_size, embed_dim, **kw)
        self.rnn = nn.LSTM(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.conv = nn.Conv1d(2 * hidden, filters, width, padding=width // 2)
        self.out = nn.Linear(filters, self.num_classes)

    def classify(self, emb, mask, lengths):
        h, _ = run_packed(self.rnn, self.embed_dropout(emb), lengths)
        c = torch.relu(self.conv(h.transpose(1, 2)))[:, :, : h.shape[1]].transpose(1, 2)
        return self.out(self.dropout(masked_max(c, mask))), None


ARCHITECTURES: dict[str, type[SentimentModel]] = {
    "mlp": MLP,
    "cnn": TextCNN,
    "lstm": BiLSTM,
    "rnn": PlainRNN,
    "seqcnn": SeqCNN,
}


class Ensemble(nn.Module):
    """Members vote by averaging logits; their token weights are averaged too."""

    def __init__(self, members: Sequence[SentimentModel]):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        return torch.stack([m(ids, lengths) for m in self.members]).mean(0)

    def token_weights(self, ids: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        outs = [m.token_weights(ids, lengths) for m in self.members]
        return (
            torch.stack([o[0] for o in outs]).mean(0),
            torch.stack([o[1] for o in outs]).mean(0),
        )


def build_model(arch: str, vocab_size: int, hparams: dict) -> nn.Module:
    """Instantiate ``arch`` (a registry name, or ``ensemble`` with ``hparams["members"]``)."""
    if arch == "ensemble":
        return Ensemble(
            [build_model(m["arch"], vocab_size, m["hparams"]) for m in hparams["members"]]
        )
    try:
        cls = ARCHITECTURES[arch]
    except KeyError:
        raise ValueError(
            f"unknown architecture {arch!r}; choose from {', '.join(sorted(ARCHITECTURES))}"
        ) from None
    return cls(vocab_size, **hparams)
