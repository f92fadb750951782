"""The package's own requirements do not pin the host's Django to one feature release."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_django_is_the_current_lts_or_newer_without_an_upper_cap():
    """``Django>=5.2,<5.3`` silently downgraded a host on a newer Django (and blocked 6)."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    requirements = [Requirement(spec) for spec in project["dependencies"]]
    (django,) = [r for r in requirements if r.name.lower() == "django"]
    assert str(django.specifier) == ">=5.2"
