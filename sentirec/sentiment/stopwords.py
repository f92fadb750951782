"""Words that never explain a sentiment: the highlights leave them out.

The list is scikit-learn's English stop words (the Glasgow Information Retrieval Group's
list), less the negations, which often are the point of a review ("not worth it"), and
less the few entries that carry feeling themselves.
"""

from __future__ import annotations

import string

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

NEGATIONS = frozenset(
    {"no", "not", "nor", "never", "nothing", "none", "nobody", "noone", "nowhere", "neither"}
    | {"cannot", "cant", "couldnt", "hasnt", "without"}
)
FEELING = frozenset({"cry", "empty", "serious", "sincere"})
STOPWORDS = frozenset(ENGLISH_STOP_WORDS) - NEGATIONS - FEELING

_NOT_WORDS = set(string.punctuation) | set(string.digits) | set(string.whitespace)
_NOT_WORDS |= {"…", "“", "”", "‘", "’", "–", "—"}


def is_filler(word: str) -> bool:
    """A stop word ("the", "was", "should"), or only punctuation and digits ("!!", "10")."""
    return word.lower() in STOPWORDS or all(c in _NOT_WORDS for c in word)
