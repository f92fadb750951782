"""Usernames that look alike.

A username's *skeleton* (after Unicode TR #39) is what it looks like: NFKC-normalised and
case-folded, then every character replaced by one representative of its confusables
(Unicode's confusables.txt, as the ``confusable_homoglyphs`` package ships it: the
smallest code point among a character and its homoglyphs). ``dеmo`` written with a
Cyrillic ``е`` and ``demo`` share a skeleton, and so do ``admin`` and ``аdmin``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs.confusables import confusables_data
from django.contrib.auth import get_user_model


@lru_cache(maxsize=4096)
def _representative(char: str) -> str:
    glyphs = confusables_data.get(char)
    return min([char, *(glyph["c"] for glyph in glyphs)]) if glyphs else char


def skeleton(name: str) -> str:
    """What ``name`` looks like: equal skeletons can be mistaken for each other."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", name).casefold())
    return unicodedata.normalize("NFD", "".join(_representative(char) for char in text))


def lookalike(name: str) -> str | None:
    """An existing username that ``name`` could be mistaken for (not ``name`` itself)."""
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    wanted = skeleton(name)
    existing = user_model._default_manager.values_list(field, flat=True)
    for other in existing.iterator(chunk_size=5000):
        if other != name and skeleton(str(other)) == wanted:
            return str(other)
    return None
