"""Run the project's Python in a child process, for what settings fix per process
(the database, Celery's mode, the settings module itself)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_python(
    *args: str,
    env: dict[str, str] | None = None,
    unset: Iterable[str] = (),
    timeout: int = 120,
    succeeds: bool = True,
) -> subprocess.CompletedProcess:
    """``python *args`` at the repository root with this environment plus ``env``, minus
    ``unset``; fails the test, showing its output, unless it exits 0 (or, with
    ``succeeds=False``, unless it fails)."""
    environment = {**os.environ, **(env or {})}
    for name in unset:
        environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert (result.returncode == 0) == succeeds, result.stdout + result.stderr
    return result
