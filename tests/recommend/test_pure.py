"""``sentirec.recommend`` is the pure recommender core (shared/DESIGN.md): every module
of it, its command line included, imports with Django and Celery made unimportable.

Run in a subprocess, because an import cannot be undone in this one.
"""

from __future__ import annotations

from tests.processes import run_python

SCRIPT = """
import importlib, importlib.abc, pkgutil, sys

BLOCKED = ("django", "celery", "kombu", "rest_framework")


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} imported by the pure core")
        return None


sys.meta_path.insert(0, Block())
import sentirec.recommend as core

names = [m.name for m in pkgutil.walk_packages(core.__path__, core.__name__ + ".")]
for name in names:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
assert not leaked, leaked
print(" ".join(names))
"""


def test_the_recommender_core_imports_neither_django_nor_celery():
    result = run_python("-c", SCRIPT, unset=["DJANGO_SETTINGS_MODULE"])
    imported = set(result.stdout.split())
    assert {"sentirec.recommend.scoring", "sentirec.recommend.__main__"} <= imported
    assert not any(name.startswith("sentirec.feeds") for name in imported)
