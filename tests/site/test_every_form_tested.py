"""Every form the templates render and every admin action sentirec defines has a browser
test that submits it, so a new form cannot ship untested.

A browser test names what it submits with ``@pytest.mark.submits(key, ...)``. Keys: a form
posting to ``{% url 'name' %}`` is that URL name (each name, when its action picks one of
several); a form without one is ``<template path>#<method>``; an admin action is
``admin-action:<app>.<model>.<action>``. ``AWAITING_BROWSER_TEST`` names, explicitly, the
admin forms and actions whose browser tests the admin journey (issue 12's admin side) is
adding: remove a key when its test lands (the test fails while a covered key stays listed).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from django.contrib import admin

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "sentirec" / "templates", ROOT / "templates"]
E2E = ROOT / "tests" / "e2e"

AWAITING_BROWSER_TEST: set[str] = set()

_FORM = re.compile(r"<form\b(?:[^>{]|\{[^}]*\})*>", re.IGNORECASE)
_URL = re.compile(r"""\{%\s*url\s+['"]([^'"]+)['"]""")
_METHOD = re.compile(r"""\bmethod=["'](\w+)["']""", re.IGNORECASE)


def template_forms() -> set[str]:
    found = set()
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            for tag in _FORM.findall(path.read_text()):
                names = _URL.findall(tag)
                if names:
                    found.update(names)
                else:
                    method = (_METHOD.search(tag) or ["", "get"])[1].lower()
                    found.add(f"{path.relative_to(folder).as_posix()}#{method}")
    return found


def admin_actions() -> set[str]:
    found = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "sentirec":
            continue
        for action in model_admin.actions or ():
            name = action if isinstance(action, str) else action.__name__
            found.add(f"admin-action:sentirec.{model._meta.model_name}.{name}")
    return found


def submitted_by_browser_tests() -> dict[str, list[str]]:
    """Key -> the browser tests whose ``submits`` mark names it."""
    covered: dict[str, list[str]] = {}
    for path in sorted(E2E.glob("test_*.py")):
        module = importlib.import_module(f"tests.e2e.{path.stem}")
        for name, test in vars(module).items():
            for mark in getattr(test, "pytestmark", []) if name.startswith("test_") else []:
                if mark.name == "submits":
                    for key in mark.args:
                        covered.setdefault(key, []).append(f"{path.name}::{name}")
    return covered


def test_the_discovery_sees_the_forms_people_use():
    forms = template_forms()
    assert {"sentirec:review-save", "sentirec:rating-save", "sentirec:follow"} <= forms
    assert {
        "sentirec/people.html#get",
        "sentirec/signup.html#post",
        "sentirec/login.html#post",
    } <= forms
    assert "admin-action:sentirec.review.rescore_selected" in admin_actions()


def test_every_form_and_admin_action_has_a_browser_test_that_submits_it():
    everything = template_forms() | admin_actions()
    covered = submitted_by_browser_tests()
    untested = everything - covered.keys() - AWAITING_BROWSER_TEST
    assert not untested, f"no browser test submits: {sorted(untested)} (mark it with submits)"
    unknown = covered.keys() - everything
    assert not unknown, f"browser tests name forms no template renders: {sorted(unknown)}"
    done = AWAITING_BROWSER_TEST & covered.keys()
    assert not done, f"now tested, remove from AWAITING_BROWSER_TEST: {sorted(done)}"
    assert everything >= AWAITING_BROWSER_TEST, "AWAITING_BROWSER_TEST names a form that is gone"
