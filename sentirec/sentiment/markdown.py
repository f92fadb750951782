"""The one writer of generated sections in Markdown docs.

A generated section sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``; a
run replaces only that text, so the prose around it and the other runs' sections stay.
``python -m sentirec.sentiment bench`` and the scripts in ``benchmarks/`` all write
through :func:`write_section`.
"""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(path: Path, name: str, text: str) -> None:
    """Replace section ``name`` of ``path`` with ``text`` (added at the end when missing;
    the file is created with a title when it does not exist)."""
    content = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start, end = markers(name)
    block = f"{start}\n{text.strip()}\n{end}"
    if start in content and end in content:
        head, rest = content.split(start, 1)
        content = head + block + rest.split(end, 1)[1]
    else:
        content = content.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
