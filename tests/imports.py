"""sentirec's import graph, read from the source (every import at any depth, relative
ones resolved), for the tests of the house's one-way arrows."""

from __future__ import annotations

import ast
from pathlib import Path

import sentirec

PACKAGE = Path(sentirec.__file__).parent


def module_name(path: Path) -> str:
    parts = ["sentirec", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every dotted name ``path`` imports (``from a import b`` gives ``a`` and ``a.b``)."""
    here = ["sentirec", *path.parent.relative_to(PACKAGE).parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[: len(here) - node.level + 1] if node.level else [])
            module = ".".join(part for part in (base, node.module or "") if part)
            names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return names


def import_graph() -> dict[str, set[str]]:
    """sentirec's modules (migrations aside), each with the sentirec modules it imports."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    return {name: imported_names(path) & paths.keys() - {name} for name, path in paths.items()}
