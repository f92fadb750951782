"""The reliability checks, counted: runs the tests docs/reliability.md describes and writes
how many each file tried, passed, failed and skipped, and how long it took, between
``<!-- checks:start -->`` and ``<!-- checks:end -->`` in docs/reliability.md, so the page
states no count that was not measured by the command printed above the table.

    python benchmarks/reliability_checks.py [--no-write]

Runs ``python -m pytest -m "" -p no:cacheprovider`` on ``tests/reliability`` and
``tests/workers/test_faults.py`` with whatever ``DATABASE_URL``, ``REDIS_URL`` and
``REDIS_CACHE_URL`` the environment names (tests that need PostgreSQL and Redis skip
without them, and the table says so). Takes 4 to 10 minutes on a busy 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _site import ROOT, machine, today, write_section

CHECKS = ["tests/reliability", "tests/workers/test_faults.py"]
COMMAND = 'python -m pytest -m "" -p no:cacheprovider ' + " ".join(CHECKS)


def run_checks(report: Path) -> int:
    """Run the checks, writing a JUnit report; pytest's exit status."""
    command = [sys.executable, "-m", "pytest", "-m", "", "-q", "-p", "no:cacheprovider"]
    return subprocess.call([*command, f"--junitxml={report}", *CHECKS], cwd=ROOT)


def count(report: Path) -> dict[str, Counter]:
    """Per test file: tried, passed, failed (failures and errors), skipped, seconds."""
    files: dict[str, Counter] = defaultdict(Counter)
    for case in ElementTree.parse(report).iter("testcase"):
        parts = case.get("classname", "").split(".")  # the module's dotted path [+ class]
        modules = ("/".join(parts[:k]) + ".py" for k in range(len(parts), 0, -1))
        name = next((module for module in modules if (ROOT / module).is_file()), ".".join(parts))
        outcome = {child.tag for child in case}
        tally = files[name]
        tally["tried"] += 1
        tally["seconds"] += float(case.get("time", 0))
        if outcome & {"failure", "error"}:
            tally["failed"] += 1
        elif "skipped" in outcome:
            tally["skipped"] += 1
        else:
            tally["passed"] += 1
    return files


def table(files: dict[str, Counter], wall: float, status: int) -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    total: Counter = sum(files.values(), Counter())
    rows = [
        f"`{COMMAND}` (`python benchmarks/reliability_checks.py` runs it and writes this "
        f"table), {today()}, {machine()}, PostgreSQL and Redis "
        f"{'set' if os.environ.get('REDIS_URL') else 'NOT set (service tests skip)'}; "
        f"load average {load} at the end; {wall / 60:.1f} min wall; pytest exit status "
        f"{status}.",
        "",
        "| file | tried | passed | failed | skipped | seconds |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, tally in sorted(files.items()):
        rows.append(
            f"| `{name}` | {tally['tried']} | {tally['passed']} | {tally['failed']} | "
            f"{tally['skipped']} | {tally['seconds']:.0f} |"
        )
    rows.append(
        f"| all | {total['tried']} | {total['passed']} | {total['failed']} | "
        f"{total['skipped']} | {total['seconds']:.0f} |"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, do not edit the docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "checks.xml"
        started = time.monotonic()
        status = run_checks(report)
        text = table(count(report), time.monotonic() - started, status)
    print(text)
    if not args.no_write:
        write_section("checks", text, ROOT / "docs" / "reliability.md")


if __name__ == "__main__":
    main()
