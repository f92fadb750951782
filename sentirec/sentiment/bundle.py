"""One self-describing model file: weights, architecture, config, vocabulary, metrics.

Layout (all integers big-endian)::

    MAGIC (16 bytes) | format version u32 | meta length u64 | weights length u64
    | meta (UTF-8 JSON) | weights (torch.save of the fp16 state dict) | SHA-256 of all before

The trailing digest lets a truncated or bit-flipped file fail loudly before torch ever
sees it; the weights are read with ``weights_only=True`` so a bundle cannot run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import platform
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import torch
from torch import nn

from .architectures import build_model
from .text import Vocabulary

MAGIC = b"SENTIREC-BUNDLE\n"
FORMAT_VERSION = 1
_HEADER = struct.Struct(">IQQ")
_DIGEST = 32
DEFAULT_BUNDLE_NAME = "sentiment-default.bundle"


class BundleError(ValueError):
    """A bundle file is corrupt, truncated or incompatible with this library."""


def default_bundle_path() -> Path:
    """The bundle shipped inside the package, used until a site trains its own."""
    return Path(__file__).resolve().parent.parent / "data" / DEFAULT_BUNDLE_NAME


def library_versions() -> dict[str, str]:
    from . import __version__

    return {
        "sentirec_sentiment": __version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


@dataclass
class Bundle:
    """A trained model and everything needed to use it without the training data."""

    arch: str
    hparams: dict
    vocab: Vocabulary
    state_dict: dict[str, torch.Tensor]
    config: dict = field(default_factory=dict)
    labels: list[str] = field(default_factory=lambda: ["negative", "positive"])
    metrics: dict = field(default_factory=dict)
    temperature: float = 1.0
    data_hash: str = ""
    versions: dict = field(default_factory=library_versions)

    @property
    def version(self) -> str:
        """Short stable id: architecture + hash of the weights (and temperature)."""
        h = hashlib.sha256()
        for name in sorted(self.state_dict):
            h.update(name.encode())
            h.update(self.state_dict[name].detach().cpu().to(torch.float16).numpy().tobytes())
        h.update(repr(round(self.temperature, 6)).encode())
        return f"{self.arch}-{h.hexdigest()[:12]}"

    @property
    def max_tokens(self) -> int:
        return int(self.config.get("max_tokens", 256))

    def build_model(self) -> nn.Module:
        """A fresh float32 model with this bundle's weights."""
        try:
            model = build_model(self.arch, len(self.vocab), self.hparams)
        except (ValueError, TypeError, KeyError) as exc:
            raise BundleError(
                f"incompatible bundle: cannot build architecture {self.arch!r}: {exc}"
            ) from exc
        try:
            model.load_state_dict({k: v.float() for k, v in self.state_dict.items()})
        except RuntimeError as exc:
            first = str(exc).strip().splitlines()[0:2]
            raise BundleError(
                f"incompatible bundle: weights do not fit {self.arch!r}: {' '.join(first)}"
            ) from exc
        return model.eval()

    def _meta(self) -> dict:
        return {
            "arch": self.arch,
            "hparams": self.hparams,
            "vocab": self.vocab.itos,
            "config": self.config,
            "labels": self.labels,
            "metrics": self.metrics,
            "temperature": self.temperature,
            "data_hash": self.data_hash,
            "versions": self.versions,
        }

    def to_bytes(self) -> bytes:
        meta = json.dumps(self._meta(), ensure_ascii=False, separators=(",", ":")).encode()
        buf = io.BytesIO()
        torch.save(
            {
                k: v.detach().cpu().to(torch.float16) if v.is_floating_point() else v.cpu()
                for k, v in self.state_dict.items()
            },
            buf,
        )
        weights = buf.getvalue()
        body = MAGIC + _HEADER.pack(FORMAT_VERSION, len(meta), len(weights)) + meta + weights
        return body + hashlib.sha256(body).digest()

    def save(self, target: str | Path | BinaryIO) -> None:
        """Write to a path (atomically, via a temporary file) or a binary file object."""
        data = self.to_bytes()
        if hasattr(target, "write"):
            target.write(data)
            return
        path = Path(target)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


def _read_source(source: str | Path | BinaryIO | bytes) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            with contextlib.suppress(OSError, ValueError):
                source.seek(0)
        data = source.read()
        return data.encode() if isinstance(data, str) else data
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise BundleError(f"cannot read bundle {source}: {exc.strerror or exc}") from exc


def load_bundle(source: str | Path | BinaryIO | bytes) -> Bundle:
    """Read a bundle from a path, a binary file object (e.g. Django storage) or bytes."""
    data = _read_source(source)
    prefix = len(MAGIC) + _HEADER.size
    if not data.startswith(MAGIC[: len(data)]) or not data:
        raise BundleError("not a sentirec bundle (missing magic header)")
    if len(data) < prefix:
        raise BundleError(f"truncated bundle: only {len(data)} bytes")
    fmt, meta_len, weights_len = _HEADER.unpack_from(data, len(MAGIC))
    if fmt != FORMAT_VERSION:
        raise BundleError(
            f"incompatible bundle: format version {fmt}, this library reads "
            f"version {FORMAT_VERSION}"
        )
    expected = prefix + meta_len + weights_len + _DIGEST
    if len(data) < expected:
        raise BundleError(f"truncated bundle: expected {expected} bytes, found {len(data)}")
    if len(data) > expected:
        raise BundleError(f"corrupt bundle: {len(data) - expected} unexpected trailing bytes")
    body = data[:-_DIGEST]
    if hashlib.sha256(body).digest() != data[-_DIGEST:]:
        raise BundleError("corrupt bundle: checksum mismatch (the file was damaged or edited)")
    try:
        meta = json.loads(body[prefix : prefix + meta_len].decode())
        state = torch.load(
            io.BytesIO(body[prefix + meta_len :]), map_location="cpu", weights_only=True
        )
        bundle = Bundle(
            arch=meta["arch"],
            hparams=meta["hparams"],
            vocab=Vocabulary(meta["vocab"]),
            state_dict=state,
            config=meta["config"],
            labels=meta["labels"],
            metrics=meta["metrics"],
            temperature=float(meta["temperature"]),
            data_hash=meta["data_hash"],
            versions=meta["versions"],
        )
    except (ValueError, KeyError, TypeError, RuntimeError, EOFError, UnicodeDecodeError) as exc:
        raise BundleError(f"corrupt bundle: cannot decode contents ({exc})") from exc
    bundle.build_model()  # fail now, with a clear message, if the weights do not fit
    return bundle
