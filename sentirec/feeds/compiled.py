"""Feed queries compiled to SQL once per process, then run with each page's values.

A cold feed page runs a handful of ORM queries whose shape is the same for every viewer;
building and compiling them took as much CPU as PostgreSQL spent running them
(docs/feed.md, "Where a cold page's time goes"). So a query is built once with stand-in
values, compiled, and from then on executed with the real values in the stand-ins'
places; the rows still go through the compiler's converters, as the ORM's would. The
caller keeps anything else out of the query that may change between calls (a host's
``ITEM_VISIBILITY`` rule, whose SQL may depend on the viewer or the moment).

A list is padded to a power-of-two length with its own first element (``IN`` with a
repeat means the same), so a few shapes serve every page. A query the stand-ins cannot
all be found in (a value the ORM wrote into the SQL text) runs through the ORM as
before, as does every database but PostgreSQL, whose cost this was measured on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

#: Stand-in values count down from here: no primary key or count is this negative.
FIRST_STAND_IN = -(10**15)


@dataclass(frozen=True)
class _Compiled:
    """One query shape: its SQL, where each parameter comes from, and its compiler."""

    db: str
    sql: str
    #: Per parameter: (argument, index in it), or (None, the constant value).
    sources: tuple[tuple[str | None, Any], ...]
    compiler: Any


_shapes: dict[tuple[Hashable, ...], _Compiled | None] = {}
_lock = threading.Lock()


def padded(values: Sequence) -> list:
    """``values`` repeated at the end up to the next power of two (at least 1)."""
    size = 1 << max(len(values) - 1, 0).bit_length()
    return [*values, *[values[0]] * (size - len(values))]


def rows(
    key: str, build: Callable[..., QuerySet], /, *, fixed: dict | None = None, **params
) -> list[tuple]:
    """``build(**fixed, **params)``'s rows as tuples (``build`` returns a ``values_list``
    queryset). ``params`` that are integers or non-empty lists of them become the
    compiled SQL's parameters (any other runs the ORM); ``fixed`` values (a slice's
    bounds, which the ORM writes into the SQL) and any parameter that is None select
    another compiled shape."""
    fixed = {**(fixed or {}), **{name: v for name, v in params.items() if v is None}}
    params = {name: v for name, v in params.items() if v is not None}
    if not all(_integers(v) for v in params.values()):
        # Nothing to pad an empty list with (the ORM knows ``IN ()``), and the stand-ins
        # are integers: a host's UUID or text keys are not.
        return list(build(**fixed, **params))
    # Every parameter as a list: a scalar is a list of one, and read back as such.
    columns = {name: padded(v) if isinstance(v, list) else [v] for name, v in params.items()}
    lengths = {name: len(columns[name]) for name, v in params.items() if isinstance(v, list)}
    shape = (key, *sorted(fixed.items()), *sorted(lengths.items()))
    with _lock:
        if shape not in _shapes:
            _shapes[shape] = _compile(build, fixed, params, columns)
        compiled = _shapes[shape]
    if compiled is None:
        return list(build(**fixed, **params))
    values = [columns[name][i] if name is not None else i for name, i in compiled.sources]
    with connections[compiled.db].cursor() as cursor:
        cursor.execute(compiled.sql, values)
        fetched = cursor.fetchall()
    return list(compiled.compiler.results_iter(results=[fetched], tuple_expected=True))


def _integers(value: int | list) -> bool:
    """An integer, or a non-empty list of integers (not bools)."""
    values = value if isinstance(value, list) else [value]
    return bool(values) and all(type(v) is int for v in values)


def _compile(
    build: Callable[..., QuerySet], fixed: dict, params: dict, columns: dict[str, list]
) -> _Compiled | None:
    """Build the query on stand-ins and find each of them among the compiled parameters;
    None (so the ORM runs it) where that is not sound."""
    where: dict[int, tuple[str, int]] = {}
    for name, values in columns.items():
        for index in range(len(values)):
            where[FIRST_STAND_IN - len(where)] = (name, index)
    fake = {name: [] for name in columns}
    for stand_in, (name, _) in where.items():
        fake[name].append(stand_in)
    try:
        queryset = build(
            **fixed, **{n: v if isinstance(params[n], list) else v[0] for n, v in fake.items()}
        )
    except ValueError:  # a stand-in the query refuses, such as a negative slice bound
        return None
    if connections[queryset.db].vendor != "postgresql":
        return None
    compiler = queryset.query.get_compiler(queryset.db)
    sql, compiled = compiler.as_sql()
    found = {p for p in compiled if type(p) is int and p in where}
    if found != where.keys() or any(str(stand_in) in sql for stand_in in where):
        return None  # a value went into the SQL text, or was transformed on the way
    sources = tuple(where[p] if type(p) is int and p in where else (None, p) for p in compiled)
    return _Compiled(queryset.db, sql, sources, compiler)
