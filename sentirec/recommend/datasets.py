"""Readers for the public social-recommendation datasets, into one common shape.

Each reader streams its files line by line (Ciao's ``.mat`` files are loaded whole; they
are 1 MB), validates every row, and counts what it skipped and why in a ``SkipReport``:
the offline evaluation and the Django ``sentirec_import`` command share these readers, so
both see exactly the same data. A missing path or a file that is mostly not the expected
format raises ``DatasetError`` with a one-line message.

Kinds and their folders (``KIND:PATH`` where PATH is the dataset folder, or one of its
files):

* ``filmtrust`` - ``ratings.txt`` (``user item rating``) and ``trust.txt``.
* ``ciaodvd`` - ``movie-ratings.txt`` (``user,movie,genre,review,rating,date``), ``trusts.txt``.
* ``ciao`` - Tang et al.'s ``rating.mat`` and ``trustnetwork.mat``.
* ``lastfm`` - hetrec2011-lastfm-2k ``user_artists.dat`` (play counts, implicit feedback),
  ``user_friends.dat`` and ``artists.dat`` (names).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

KINDS = ("filmtrust", "ciaodvd", "ciao", "lastfm")

MAX_BROKEN_SHARE = 0.5
"""A file where more than this share of rows cannot be parsed is not of the expected format."""

# skip reasons, as counted in SkipReport
DUPLICATE_PAIR = "duplicate user-item pair (kept the last)"
OUT_OF_RANGE = "zero or out-of-range rating"
BROKEN_ROW = "broken or unparseable row"
SELF_TRUST = "self-trust"
DUPLICATE_EDGE = "duplicate trust edge"


class DatasetError(ValueError):
    """A dataset path is missing or a file is not in the expected format (one-line message)."""


@dataclass
class SkipReport:
    """How many rows each reader skipped, by reason."""

    counts: Counter = field(default_factory=Counter)

    def add(self, reason: str, n: int = 1) -> None:
        if n:
            self.counts[reason] += n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        if not self.counts:
            return "nothing skipped"
        return ", ".join(f"{n} {reason}" for reason, n in sorted(self.counts.items()))


@dataclass
class SocialDataset:
    """Ratings (or implicit play counts) plus a directed trust graph, with raw ids.

    ``users[k]`` rated ``items[k]`` with ``values[k]``; ``trust`` is an (E, 2) array of
    (truster, trustee). Undirected friendships appear as two directed edges.
    ``rating_range`` is None for implicit feedback.
    """

    kind: str
    path: Path
    users: np.ndarray
    items: np.ndarray
    values: np.ndarray
    trust: np.ndarray
    rating_range: tuple[float, float] | None
    implicit: bool = False
    timestamps: np.ndarray | None = None
    categories: np.ndarray | None = None
    item_names: dict[int, str] | None = None
    skipped: SkipReport = field(default_factory=SkipReport)

    def __len__(self) -> int:
        return int(self.values.size)

    def summary(self) -> str:
        """One line: sizes and what was skipped."""
        return (
            f"{self.kind}: {len(self)} {'interactions' if self.implicit else 'ratings'}, "
            f"{np.unique(self.users).size} users, {np.unique(self.items).size} items, "
            f"{len(self.trust)} trust edges; skipped: {self.skipped}"
        )


# --------------------------------------------------------------------------- helpers


def _file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise DatasetError(f"missing file {path}")
    return path


def _folder(path: str | Path) -> Path:
    path = Path(path)
    if path.is_file():
        return path.parent
    if not path.is_dir():
        raise DatasetError(f"no such dataset folder: {path}")
    return path


def _rows(
    path: Path, sep: str | None, n_fields: int, report: SkipReport, header: bool = False
) -> Iterator[list[str]]:
    """Yield the split fields of each non-blank line; count and skip short rows."""
    total = broken = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        if header:
            next(handle, None)
        for line in handle:
            if not line.strip():
                continue
            total += 1
            fields = line.rstrip("\r\n").split(sep)
            if len(fields) < n_fields:
                broken += 1
                continue
            yield fields
    report.add(BROKEN_ROW, broken)
    _check_broken(path, broken, total)


def _check_broken(path: Path, broken: int, total: int) -> None:
    if total and broken > MAX_BROKEN_SHARE * total:
        raise DatasetError(f"{path} is not in the expected format ({broken}/{total} rows broken)")


def _parsed(
    rows: Iterator[list[str]], parse: Callable[[list[str]], tuple], report: SkipReport, path: Path
) -> Iterator[tuple]:
    """Apply ``parse`` to each row; count rows it cannot parse as broken."""
    total = broken = 0
    for fields in rows:
        total += 1
        try:
            yield parse(fields)
        except (ValueError, IndexError):
            broken += 1
    report.add(BROKEN_ROW, broken)
    _check_broken(path, broken, total)


def _take(rows: Iterator[tuple], limit: int | None) -> Iterator[tuple]:
    for n, row in enumerate(rows):
        if limit is not None and n >= limit:
            return
        yield row


class _Ratings:
    """Accumulates rating rows, keeping the last of duplicate user-item pairs."""

    def __init__(self, low: float, high: float, report: SkipReport):
        self.low, self.high, self.report = low, high, report
        self.rows: dict[tuple[int, int], tuple] = {}

    def add(self, user: int, item: int, value: float, *extra) -> None:
        if not (self.low <= value <= self.high) or math.isnan(value):
            self.report.add(OUT_OF_RANGE)
            return
        key = (user, item)
        if key in self.rows:
            self.report.add(DUPLICATE_PAIR)
            del self.rows[key]  # re-insert so the kept row takes the later position
        self.rows[key] = (value, *extra)

    def columns(self, path: Path) -> tuple[np.ndarray, ...]:
        if not self.rows:
            raise DatasetError(f"{path} holds no valid rating rows")
        keys = np.array(list(self.rows), dtype=np.int64).reshape(-1, 2)
        extras = list(zip(*self.rows.values(), strict=True))
        return (keys[:, 0], keys[:, 1], np.array(extras[0], dtype=float), *extras[1:])


def _trust_edges(pairs: Iterator[tuple[int, int]], report: SkipReport) -> np.ndarray:
    edges: dict[tuple[int, int], None] = {}
    for truster, trustee in pairs:
        if truster == trustee:
            report.add(SELF_TRUST)
        elif (truster, trustee) in edges:
            report.add(DUPLICATE_EDGE)
        else:
            edges[(truster, trustee)] = None
    return np.array(list(edges), dtype=np.int64).reshape(-1, 2)


def _two_ints(fields: list[str]) -> tuple[int, int]:
    return int(fields[0]), int(fields[1])


def _user_item_value(fields: list[str]) -> tuple[int, int, float]:
    return int(fields[0]), int(fields[1]), float(fields[2])


def _id_name(fields: list[str]) -> tuple[int, str]:
    return int(fields[0]), fields[1]


# --------------------------------------------------------------------------- readers


def read_filmtrust(path: str | Path, limit: int | None = None) -> SocialDataset:
    """FilmTrust: ``ratings.txt`` (0.5..4 stars, half steps) and directed ``trust.txt``."""
    folder, report = _folder(path), SkipReport()
    ratings = _Ratings(0.5, 4.0, report)
    ratings_path = _file(folder, "ratings.txt")
    rows = _parsed(_rows(ratings_path, None, 3, report), _user_item_value, report, ratings_path)
    for user, item, value in _take(rows, limit):
        ratings.add(user, item, value)
    users, items, values = ratings.columns(ratings_path)
    trust_path = _file(folder, "trust.txt")
    trust_rows = _parsed(_rows(trust_path, None, 2, report), _two_ints, report, trust_path)
    trust = _trust_edges(_take(trust_rows, limit), report)
    return SocialDataset(
        "filmtrust", folder, users, items, values, trust, (0.5, 4.0), skipped=report
    )


def read_ciaodvd(path: str | Path, limit: int | None = None) -> SocialDataset:
    """CiaoDVD: ``movie-ratings.txt`` (1..5 stars, genre, date) and ``trusts.txt``."""
    folder, report = _folder(path), SkipReport()
    ratings = _Ratings(1.0, 5.0, report)
    ratings_path = _file(folder, "movie-ratings.txt")

    def parse(f: list[str]) -> tuple:
        when = np.datetime64(date.fromisoformat(f[5].strip()), "D")
        return int(f[0]), int(f[1]), float(f[4]), int(f[2]), when

    rows = _parsed(_rows(ratings_path, ",", 6, report), parse, report, ratings_path)
    for user, item, value, genre, when in _take(rows, limit):
        ratings.add(user, item, value, genre, when)
    users, items, values, genres, dates = ratings.columns(ratings_path)
    trust_path = _file(folder, "trusts.txt")
    trust_rows = _parsed(_rows(trust_path, ",", 2, report), _two_ints, report, trust_path)
    return SocialDataset(
        "ciaodvd",
        folder,
        users,
        items,
        values,
        _trust_edges(_take(trust_rows, limit), report),
        (1.0, 5.0),
        timestamps=np.array(dates, dtype="datetime64[D]"),
        categories=np.array(genres, dtype=np.int64),
        skipped=report,
    )


def _mat_variable(path: Path, name: str, n_columns: int) -> np.ndarray:
    from scipy.io import loadmat  # scipy is only needed for this one format
    from scipy.io.matlab import MatReadError

    try:
        matrix = loadmat(str(path), variable_names=[name]).get(name)
    except (MatReadError, ValueError, TypeError, OSError, NotImplementedError) as exc:
        raise DatasetError(f"{path} is not a readable MATLAB file ({exc})") from None
    if matrix is None or matrix.ndim != 2 or matrix.shape[1] < n_columns:
        raise DatasetError(f"{path} has no {name!r} matrix with {n_columns} columns")
    return np.asarray(matrix[:, :n_columns], dtype=np.int64)


def read_ciao(path: str | Path, limit: int | None = None) -> SocialDataset:
    """Ciao (Tang et al.): ``rating.mat`` (user, product, category, rating, helpfulness)
    and ``trustnetwork.mat`` (truster, trustee); the 34 zero ratings are skipped."""
    folder, report = _folder(path), SkipReport()
    ratings = _Ratings(1.0, 5.0, report)
    ratings_path = _file(folder, "rating.mat")
    table = _mat_variable(ratings_path, "rating", 4)[:limit]
    for user, item, category, value in table.tolist():
        ratings.add(user, item, float(value), category)
    users, items, values, categories = ratings.columns(ratings_path)
    edges = _mat_variable(_file(folder, "trustnetwork.mat"), "trustnetwork", 2)[:limit]
    return SocialDataset(
        "ciao",
        folder,
        users,
        items,
        values,
        _trust_edges(map(tuple, edges.tolist()), report),
        (1.0, 5.0),
        categories=np.array(categories, dtype=np.int64),
        skipped=report,
    )


def read_lastfm(path: str | Path, limit: int | None = None) -> SocialDataset:
    """hetrec2011-lastfm-2k: play counts as implicit feedback, friendships as two-way ties."""
    folder, report = _folder(path), SkipReport()
    ratings = _Ratings(1.0, math.inf, report)
    plays_path = _file(folder, "user_artists.dat")
    rows = _parsed(
        _rows(plays_path, "\t", 3, report, header=True), _user_item_value, report, plays_path
    )
    for user, item, plays in _take(rows, limit):
        ratings.add(user, item, plays)
    users, items, values = ratings.columns(plays_path)
    friends_path = _file(folder, "user_friends.dat")
    friend_rows = _rows(friends_path, "\t", 2, report, header=True)
    trust = _trust_edges(
        _take(_parsed(friend_rows, _two_ints, report, friends_path), limit), report
    )
    names = {}
    artists = folder / "artists.dat"
    if artists.is_file():
        names = dict(
            _parsed(
                _rows(artists, "\t", 2, SkipReport(), header=True),
                _id_name,
                SkipReport(),
                artists,
            )
        )
    return SocialDataset(
        "lastfm",
        folder,
        users,
        items,
        values,
        trust,
        None,
        implicit=True,
        item_names=names or None,
        skipped=report,
    )


READERS: dict[str, Callable[..., SocialDataset]] = {
    "filmtrust": read_filmtrust,
    "ciaodvd": read_ciaodvd,
    "ciao": read_ciao,
    "lastfm": read_lastfm,
}


def parse_spec(spec: str) -> tuple[str, Path]:
    """Split ``KIND:PATH`` into a known kind and a path."""
    kind, sep, path = spec.partition(":")
    if not sep or not path:
        raise DatasetError(f"expected KIND:PATH, got {spec!r}")
    if kind not in READERS:
        raise DatasetError(f"unknown dataset kind {kind!r}; known: {', '.join(KINDS)}")
    return kind, Path(path)


def load(spec: str, limit: int | None = None) -> SocialDataset:
    """Load ``KIND:PATH`` (e.g. ``filmtrust:/data/filmtrust``); ``limit`` caps the rating
    rows and the trust rows read, for a quick slice."""
    kind, path = parse_spec(spec)
    return READERS[kind](path, limit=limit)
