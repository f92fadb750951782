"""The model registry: ``mlp``, ``cnn``, ``lstm``, ``gru``, ``seqcnn``, ``ngram``, ``minilm``
(+ ``ensemble``), the former names in ``RENAMED``, and :func:`build_model`.

Every model maps ``(ids, lengths)`` -> logits and exposes per-token weights through
:meth:`SentimentModel.token_weights`: attention for the models that have it, gradient x
input salience for the others. Hyper-parameters are plain keyword arguments so a bundle can
rebuild a model from ``arch`` + ``hparams`` alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .minilm import MiniLM

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
    """Max over valid positions. Where nothing will backpropagate, ``h``'s padding is
    overwritten in place: a copy of ``h`` costs as much as the max (callers are done
    with ``h``'s padded positions by then)."""
    fill = h.masked_fill if torch.is_grad_enabled() else h.masked_fill_
    return fill(~mask.unsqueeze(-1), _NEG).amax(dim=1)


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
        h = self.features(self.embed_dropout(emb))
        context, weights = self.attention(h, mask)
        return self.out(self.dropout(torch.cat([context, masked_max(h, mask)], 1))), weights

    def features(self, x: Tensor) -> Tensor:
        """ReLU of every width's convolution, (batch, time, filters x widths), as one matrix
        product over each position's window of the widest width: the same values as running
        each ``Conv1d`` and concatenating, 1.25-1.5x as fast with no per-width call,
        concatenation or transposes (``benchmarks/textcnn.py``)."""
        kernel, bias, left, right = self._stacked_kernel()
        batch, time, dim = x.shape
        width = left + right + 1
        windows = F.pad(x, (0, 0, left, right)).unfold(1, width, 1)  # (batch, time, dim, width)
        h = torch.addmm(bias, windows.reshape(batch * time, dim * width), kernel.flatten(1).t())
        return torch.relu_(h).view(batch, time, -1)

    def _stacked_kernel(self) -> tuple[Tensor, Tensor, int, int]:
        """Every width's kernel zero-padded to one window reaching ``left`` positions back and
        ``right`` ahead, stacked (so it trains the ``Conv1d`` parameters bundles store)."""
        left = max(conv.padding[0] for conv in self.convs)
        right = max(conv.kernel_size[0] - 1 - conv.padding[0] for conv in self.convs)
        padded = []
        for conv in self.convs:
            before = left - conv.padding[0]
            after = left + right + 1 - conv.kernel_size[0] - before
            padded.append(F.pad(conv.weight, (before, after)))
        return torch.cat(padded), torch.cat([conv.bias for conv in self.convs]), left, right


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


class UniGRU(SentimentModel):
    """Baseline: a unidirectional GRU classifying from its last hidden state
    (``cell="elman"``: plain Elman cells instead, for comparison)."""

    def __init__(
        self, vocab_size: int, embed_dim: int = 50, hidden: int = 128, cell: str = "gru", **kw
    ):
        super().__init__(vocab_size, embed_dim, **kw)
        if cell not in ("gru", "elman"):
            raise ValueError(f"gru cell must be 'gru' or 'elman', not {cell!r}")
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


# Hashing of n-grams of token ids: arithmetic modulo a Mersenne prime keeps every product
# inside int64, so the same ids give the same bucket on every machine and device.
_PRIME = 2_147_483_647
_MULT = 1_000_003
_SALT = {2: 1_234_567, 3: 7_654_321}


def _hash_step(h: Tensor, x: Tensor) -> Tensor:
    return (h * _MULT + x + 1) % _PRIME


class NGramBag(SentimentModel):
    """A linear bag of n-grams (fastText / NBSVM style) plus a mean-of-embeddings term.

    Features: every unigram id, and the bigrams (and trigrams with ``ngrams=3``) of ids
    hashed into ``buckets`` rows. Each distinct feature of a text counts once (binary, as
    in NBSVM) and the sum of their rows is divided by sqrt(number of features)
    (``norm="sqrt"``; ``"mean"`` and ``"sum"`` also exist), which is the L2-normalised
    binary bag that linear models like on long reviews. ``dense=True`` adds a linear map
    of the mean (GloVe-initialised) word embedding, which covers words seen rarely.
    :meth:`init_from_data` starts the n-gram rows from NBSVM (or naive Bayes) on the
    training data, before the training loop fine-tunes everything.
    Token weights are exact: each token's share of the n-grams it is part of.
    """

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int = 50,
        buckets: int = 2**19,
        ngrams: int = 2,
        norm: str = "sqrt",
        dense: bool = True,
        fit: str = "nbsvm",
        C: float = 10.0,
        nb_alpha: float = 1.0,
        max_iter: int = 300,
        **kw,
    ):
        super().__init__(vocab_size, embed_dim, **kw)
        if ngrams not in (1, 2, 3):
            raise ValueError(f"ngram order must be 1, 2 or 3, not {ngrams!r}")
        if norm not in ("sqrt", "mean", "sum"):
            raise ValueError(f"ngram norm must be 'sqrt', 'mean' or 'sum', not {norm!r}")
        self.vocab_size, self.buckets, self.ngrams, self.norm = vocab_size, buckets, ngrams, norm
        if fit not in ("nbsvm", "nb", "none"):
            raise ValueError(f"ngram fit must be 'nbsvm', 'nb' or 'none', not {fit!r}")
        self.fit, self.C, self.nb_alpha, self.max_iter = fit, C, nb_alpha, max_iter
        n_features = vocab_size + (buckets if ngrams > 1 else 0)
        # sparse: a step touches only the rows of the batch's n-grams (see training.train)
        self.table = nn.Embedding(n_features, self.num_classes, sparse=True)
        self.embedding.sparse = True
        nn.init.zeros_(self.table.weight)
        self.bias = nn.Parameter(torch.zeros(self.num_classes))
        self.dense = nn.Linear(embed_dim, self.num_classes, bias=False) if dense else None
        if self.dense is not None:  # starts silent, so the NBSVM start is exactly NBSVM
            nn.init.zeros_(self.dense.weight)

    def features(self, ids: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        """(batch, n * time) feature ids and weights; n-gram ``k`` of a row starts at
        position ``k % time``. Absent and repeated features have weight 0."""
        t = ids.shape[1]
        pos = torch.arange(t, device=ids.device).unsqueeze(0)
        blocks, valid = [ids], [pos < lengths.unsqueeze(1)]
        for n in range(2, self.ngrams + 1):
            h = torch.full_like(ids, _SALT[n])
            for k in range(n):
                h = _hash_step(h, torch.roll(ids, -k, dims=1))
            blocks.append(self.vocab_size + h % self.buckets)
            valid.append(pos + n - 1 < lengths.unsqueeze(1))
        feats, ok = torch.cat(blocks, 1), torch.cat(valid, 1)
        feats = feats.masked_fill(~ok, 0)
        keyed = torch.where(ok, feats, torch.full_like(feats, -1))
        sorted_keys, order = torch.sort(keyed, dim=1, stable=True)
        first = torch.ones_like(sorted_keys, dtype=torch.bool)
        first[:, 1:] = sorted_keys[:, 1:] != sorted_keys[:, :-1]
        keep = torch.zeros_like(first).scatter_(1, order, first) & ok
        weight = keep.to(self.table.weight.dtype)
        count = weight.sum(1, keepdim=True).clamp(min=1.0)
        if self.norm == "sqrt":
            weight = weight / count.sqrt()
        elif self.norm == "mean":
            weight = weight / count
        return feats, weight

    def _parts(self, ids: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor, Tensor | None, Tensor]:
        """Per-feature and per-token logit contributions, and the logits."""
        feats, weight = self.features(ids, lengths)
        feat_logits = self.table(feats) * weight.unsqueeze(-1)
        logits = feat_logits.sum(1) + self.bias
        token_logits = None
        if self.dense is not None:
            mask = ids != 0
            emb = self.embed_dropout(self.embedding(ids))
            n = mask.sum(1, keepdim=True).clamp(min=1).unsqueeze(-1)
            token_logits = self.dense(emb) * mask.unsqueeze(-1) / n
            logits = logits + token_logits.sum(1)
        return feat_logits, weight, token_logits, logits

    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        return self._parts(ids, lengths)[3]

    def token_weights(self, ids: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        with torch.no_grad():
            feat_logits, _, token_logits, logits = self._parts(ids, lengths)
            pred = logits.argmax(1)
            rival = logits.scatter(1, pred.unsqueeze(1), float("-inf")).argmax(1)

            def margin(x: Tensor) -> Tensor:
                idx = torch.stack([pred, rival], 1).unsqueeze(1).expand(-1, x.shape[1], -1)
                picked = x.gather(2, idx)
                return picked[..., 0] - picked[..., 1]

            t = ids.shape[1]
            per_feat = margin(feat_logits)
            contrib = per_feat[:, :t].clone()
            for n in range(2, self.ngrams + 1):
                block = per_feat[:, (n - 1) * t : n * t] / n
                for k in range(n):
                    contrib[:, k:] += block[:, : t - k]
            if token_logits is not None:
                contrib += margin(token_logits)
            mask = ids != 0
            contrib = contrib.clamp(min=0).masked_fill(~mask, 0.0)
            total = contrib.sum(1, keepdim=True)
            uniform = mask.float() / mask.sum(1, keepdim=True).clamp(min=1)
            weights = torch.where(total > 0, contrib / total.clamp(min=1e-12), uniform)
        return logits, weights

    def init_from_data(self, sequences: Sequence[Sequence[int]], labels: Sequence[int]) -> bool:
        """Start from naive Bayes (``fit="nb"``) or NBSVM (``fit="nbsvm"``) on the data.

        ``r = log(p / |p|_1) - log(q / |q|_1)``, with ``p``/``q`` the smoothed numbers of
        positive/negative texts containing each feature, is the naive-Bayes log-count
        ratio. NBSVM (Wang & Manning, 2012) fits an L2-regularised (``C``) logistic
        regression on the features scaled by ``r``, here with full-batch L-BFGS; a row is
        then ``+-w * r / 2``. The training loop fine-tunes from there. Two classes only.
        Returns whether anything was fitted.
        """
        if self.num_classes != 2 or not sequences or self.fit == "none":
            return False
        x, y = self._design_matrix(sequences), torch.as_tensor(list(labels), dtype=torch.long)
        rows, cols = x.indices()
        counts = torch.zeros(2, x.shape[1], dtype=torch.float64)
        counts.index_put_((y[rows], cols), torch.ones(1, dtype=torch.float64), accumulate=True)
        smoothed = counts + self.nb_alpha
        ratio = (smoothed / smoothed.sum(1, keepdim=True)).log()
        r = (ratio[1] - ratio[0]).float()
        bias = 0.0
        if self.fit == "nbsvm":
            r, bias = self._logistic(x, y, r)
        with torch.no_grad():
            self.table.weight[:, 1] = r / 2
            self.table.weight[:, 0] = -r / 2
            self.bias.copy_(torch.tensor([-bias / 2, bias / 2]))
        return True

    def _design_matrix(self, sequences: Sequence[Sequence[int]]) -> Tensor:
        """Sparse (texts, features) matrix of the normalised binary features."""
        rows, cols, vals = [], [], []
        for start in range(0, len(sequences), 512):
            chunk = sequences[start : start + 512]
            lengths = torch.tensor([len(s) for s in chunk])
            ids = torch.zeros(len(chunk), max(1, int(lengths.max())), dtype=torch.long)
            for row, seq in enumerate(chunk):
                ids[row, : len(seq)] = torch.as_tensor(seq, dtype=torch.long)
            feats, weight = self.features(ids, lengths)
            present = weight > 0
            rows.append((torch.arange(len(chunk)) + start).unsqueeze(1).expand_as(feats)[present])
            cols.append(feats[present])
            vals.append(weight[present])
        index = torch.stack([torch.cat(rows), torch.cat(cols)])
        shape = (len(sequences), self.table.num_embeddings)
        return torch.sparse_coo_tensor(
            index, torch.cat(vals).float(), shape, check_invariants=False
        ).coalesce()

    def _logistic(self, x: Tensor, y: Tensor, r: Tensor) -> tuple[Tensor, float]:
        """Weights ``w * r`` and bias of the NBSVM logistic regression."""
        with warnings.catch_warnings():  # "sparse CSR support is in beta"
            warnings.simplefilter("ignore", UserWarning)
            xr = x.to_sparse_csr()
        n, target = x.shape[0], y.float()
        w = torch.zeros(x.shape[1], requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        opt = torch.optim.LBFGS(
            [w, b], lr=1.0, max_iter=self.max_iter, history_size=20, line_search_fn="strong_wolfe"
        )

        def closure() -> Tensor:
            opt.zero_grad()
            z = (xr @ (w * r).unsqueeze(1)).squeeze(1) + b
            loss = nn.functional.binary_cross_entropy_with_logits(z, target)
            loss = loss + (w * w).sum() / (2 * self.C * n)
            loss.backward()
            return loss

        with torch.enable_grad():
            opt.step(closure)
        return (w * r).detach(), float(b.detach())


ARCHITECTURES: dict[str, type[nn.Module]] = {
    "mlp": MLP,
    "cnn": TextCNN,
    "lstm": BiLSTM,
    "gru": UniGRU,
    "seqcnn": SeqCNN,
    "ngram": NGramBag,
    "minilm": MiniLM,
}

#: Former registry names -> current ones: bundles saved under a former name still load,
#: and a training config naming one trains the current architecture.
RENAMED = {"rnn": "gru"}


def registered_name(arch: str) -> str:
    """``arch`` under its current registry name (a former name is translated)."""
    return RENAMED.get(arch, arch)


class Ensemble(nn.Module):
    """Members vote by a weighted sum of logits; their token weights are mixed the same way.

    ``mix`` gives each member a weight ``a + b * log(length)`` (``[a, b]`` per member,
    fitted on validation data by :func:`.training.combine`), so short sentences and long
    reviews can trust different members. Without ``mix`` the logits are averaged.
    """

    def __init__(self, members: Sequence[nn.Module], mix: Sequence[Sequence[float]] | None = None):
        super().__init__()
        self.members = nn.ModuleList(members)
        n = len(self.members)
        if mix is None:
            mix = [[1.0 / n, 0.0]] * n
        if len(mix) != n or any(len(row) != 2 for row in mix):
            raise ValueError(f"ensemble mix needs one [a, b] pair per member ({n})")
        self.register_buffer(
            "mix", torch.tensor([list(map(float, row)) for row in mix]), persistent=False
        )

    def member_weights(self, lengths: Tensor) -> Tensor:
        """(members, batch) weight of each member's logits for texts of these lengths."""
        log_len = lengths.clamp(min=1).float().log().to(self.mix.device)
        return self.mix[:, :1] + self.mix[:, 1:] * log_len.unsqueeze(0)

    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        logits = torch.stack([m(ids, lengths) for m in self.members])
        return (self.member_weights(lengths).unsqueeze(-1) * logits).sum(0)

    def token_weights(self, ids: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        outs = [m.token_weights(ids, lengths) for m in self.members]
        w = self.member_weights(lengths).unsqueeze(-1)
        logits = (w * torch.stack([o[0] for o in outs])).sum(0)
        share = w.abs() / w.abs().sum(0, keepdim=True).clamp(min=1e-12)
        return logits, (share * torch.stack([o[1] for o in outs])).sum(0)


def build_model(arch: str, vocab_size: int, hparams: dict) -> nn.Module:
    """Instantiate ``arch`` (a registry name, or ``ensemble`` with ``hparams["members"]``)."""
    if arch == "ensemble":
        return Ensemble(
            [build_model(m["arch"], vocab_size, m["hparams"]) for m in hparams["members"]],
            hparams.get("mix"),
        )
    try:
        cls = ARCHITECTURES[registered_name(arch)]
    except KeyError:
        raise ValueError(
            f"unknown architecture {arch!r}; choose from {', '.join(sorted(ARCHITECTURES))}"
        ) from None
    return cls(vocab_size, **hparams)
