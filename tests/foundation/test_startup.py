"""Web processes start light: loading the site (pages, API, admin) and its system checks
imports neither torch (docs/workers.md: "Web processes never import torch at all") nor
scipy and matplotlib, which only training and the admin's plots use, when they run.

The site is loaded in a subprocess, because an import cannot be undone in this one.
"""

from __future__ import annotations

from tests.processes import run_python

HEAVY = ("torch", "scipy", "matplotlib")

SCRIPT = f"""
import sys
from django.core import checks
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

application = get_wsgi_application()
get_resolver().resolve("/")  # imports the URLconf: every view, the API and the admin
checks.run_checks()
print(" ".join(name for name in {HEAVY!r} if name in sys.modules))
"""


def test_a_web_process_imports_no_torch_scipy_or_matplotlib():
    result = run_python("-c", SCRIPT, env={"DJANGO_SETTINGS_MODULE": "socialsite.settings"})
    assert result.stdout.split() == []
