"""Benchmark of the sentiment engine: ``python benchmarks/sentiment.py [--epochs N]``.

Same as ``python -m sentirec.sentiment bench``: trains every architecture plus the
TF-IDF + logistic-regression and VADER baselines, and rewrites the sentiment section of
docs/benchmarks.md (with plots under docs/img/).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sentirec.sentiment.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
