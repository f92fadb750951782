"""Readers for the public sentiment formats, all yielding ``(text, label)`` with 1 = positive.

Kinds: ``sst2`` (GLUE tsv), ``blitzer`` (Multi-Domain Sentiment ``.review`` files),
``uci`` (Sentiment Labelled Sentences), ``csv`` (a text and a label column).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .blitzer import BlitzerError, read_blitzer_reviews


class DatasetError(ValueError):
    """Unknown dataset kind, or a path that cannot be read as that kind."""


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    group: str = ""  # domain/file the example came from, for per-domain splits


@dataclass
class Dataset:
    """A list of labelled examples that also exposes ``texts`` and ``labels`` (computed once)."""

    name: str
    examples: list[Example] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.examples)

    def __iter__(self) -> Iterator[Example]:
        return iter(self.examples)

    def __getitem__(self, i: int) -> Example:
        return self.examples[i]

    @cached_property
    def texts(self) -> list[str]:
        return [e.text for e in self.examples]

    @cached_property
    def labels(self) -> list[int]:
        return [e.label for e in self.examples]


_LABELS = {"0": 0, "1": 1, "neg": 0, "pos": 1, "negative": 0, "positive": 1}


def _label(value: str, where: str) -> int:
    try:
        return _LABELS[value.strip().lower()]
    except KeyError:
        raise DatasetError(
            f"{where}: label {value.strip()!r} is not 0/1/negative/positive"
        ) from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc


def load_sst2(path: str | Path) -> Dataset:
    """GLUE SST-2 tsv with header ``sentence<TAB>label`` (a trailing space before the tab)."""
    path = Path(path)
    lines = _read_text(path).split("\n")
    header = lines[0].strip().split("\t") if lines else []
    if header[:2] != ["sentence", "label"]:
        raise DatasetError(f"{path}: expected an SST-2 tsv with header 'sentence<TAB>label'")
    out = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        text, sep, label = line.rpartition("\t")
        if not sep:
            raise DatasetError(f"{path}:{n}: expected 'sentence<TAB>label'")
        out.append(Example(text.strip(), _label(label, f"{path}:{n}"), "sst2"))
    return Dataset("sst2", out)


def load_blitzer(path: str | Path) -> Dataset:
    """Blitzer ``positive.review``/``negative.review`` files under ``path`` (any depth).

    Star ratings decide the label (1-2 negative, 4-5 positive, 3 skipped); the title is
    kept as the review's first sentence. ``unlabeled.review`` files are ignored.
    """
    try:
        reviews = read_blitzer_reviews(path)
    except BlitzerError as exc:
        raise DatasetError(str(exc)) from exc
    return Dataset(
        "blitzer",
        [Example(r.full_text, int(r.stars > 3), r.domain) for r in reviews if r.stars != 3],
    )


def load_uci(path: str | Path) -> Dataset:
    """UCI Sentiment Labelled Sentences: one file, or every ``*_labelled.txt`` in a folder."""
    path = Path(path)
    files = sorted(path.glob("*_labelled.txt")) if path.is_dir() else [path]
    if not files:
        raise DatasetError(f"{path}: no *_labelled.txt files found")
    out = []
    for f in files:
        # split on "\n" only: the IMDb file has U+0085 inside sentences
        for n, line in enumerate(_read_text(f).split("\n"), start=1):
            if not line.strip():
                continue
            text, sep, label = line.rpartition("\t")
            if not sep:
                raise DatasetError(f"{f}:{n}: expected 'sentence<TAB>label'")
            out.append(Example(text.strip(), _label(label, f"{f}:{n}"), f.stem.split("_")[0]))
    return Dataset("uci", out)


_TEXT_COLUMNS = ("text", "review", "reviews", "sentence")
_LABEL_COLUMNS = ("label", "labels", "sentiment")


def load_csv(path: str | Path) -> Dataset:
    """CSV with a header naming a text column (text/review(s)/sentence) and a label column."""
    path = Path(path)
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    text_col = next((columns[c] for c in _TEXT_COLUMNS if c in columns), None)
    label_col = next((columns[c] for c in _LABEL_COLUMNS if c in columns), None)
    if text_col is None or label_col is None:
        raise DatasetError(f"{path}: expected a header with columns 'text' and 'label'")
    out = []
    for n, row in enumerate(reader, start=2):
        text = html.unescape(re.sub(r"<br\s*/?>", " ", row[text_col] or ""))
        out.append(Example(text.strip(), _label(row[label_col] or "", f"{path}:{n}"), path.stem))
    return Dataset(path.stem, out)


LOADERS = {"sst2": load_sst2, "blitzer": load_blitzer, "uci": load_uci, "csv": load_csv}


def load(kind: str, path: str | Path) -> Dataset:
    """Load a dataset of ``kind`` from ``path``; :class:`DatasetError` on any problem."""
    loader = LOADERS.get(kind)
    if loader is None:
        raise DatasetError(f"unknown data kind {kind!r}; choose from {', '.join(LOADERS)}")
    if not Path(path).exists():
        raise DatasetError(f"{kind}: no such file or folder: {path}")
    dataset = loader(path)
    if not dataset.examples:
        raise DatasetError(f"{path}: no examples found")
    return dataset


def parse_spec(spec: str) -> tuple[str, str]:
    """Split a ``KIND:PATH`` command-line argument."""
    kind, sep, path = spec.partition(":")
    if not sep or not path:
        raise DatasetError(f"expected KIND:PATH, got {spec!r}")
    return kind, path


def load_spec(spec: str) -> Dataset:
    return load(*parse_spec(spec))
