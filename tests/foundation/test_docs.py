"""The settings reference stays true to the code."""

import json
from pathlib import Path

import pytest

from sentirec.conf import DEFAULTS

SETTINGS_DOC = (Path(__file__).resolve().parents[2] / "docs" / "settings.md").read_text()


def doc_default(key: str) -> str:
    for line in SETTINGS_DOC.splitlines():
        if line.startswith(f"| `{key}` |"):
            return line.split("|")[2].strip().strip("`")
    raise AssertionError(f"docs/settings.md does not document {key}")


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_setting_is_documented_with_its_default(key):
    written = doc_default(key)
    # As settings.py spells it: None, not JSON's null (the rest reads the same in both).
    value = None if written == "None" else json.loads(written)
    assert value == DEFAULTS[key]
