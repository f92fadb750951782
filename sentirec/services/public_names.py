"""Readable names for public records: people and items a visitor can read.

Amazon's product names carry the catalogue's whole line ("Ed Wood (Special Edition): DVD:
Johnny Depp,Martin Landau,..."); reviewer names carry nicknames in quotes. These pure
functions turn them into a title and a description, and into a display name and a short,
unique username. ``scripts/build_demo_data.py`` applies them when it builds the shipped
file, so loading the demo does no guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

#: The catalogue names Blitzer's product names put between the title and the people.
CATALOGUE = ("Kitchen & Housewares", "Electronics", "Books", "DVD")
_SPLIT = re.compile(
    rf"^(?P<title>.+?): (?P<kind>{'|'.join(map(re.escape, CATALOGUE))})(?:: (?P<people>.*))?$"
)
#: Parenthesised edition notes dropped from titles: "(Widescreen Special Edition)".
_EDITION = re.compile(
    r"\s*[(\[][^()\[\]]*\b(?:edition|widescreen|full ?screen|disc|dvd|collector'?s?|"
    r"anniversary|director'?s|unrated|box set|vhs|version|series|cut|set of \d+|"
    r"pack|remastered|import)\b[^()\[\]]*[)\]]",
    re.IGNORECASE,
)
_CODE = re.compile(r"\s*\(\s*[\w-]*\d[\w-]*\s*\)")  # "( 931380-0403 )"
_QUOTED = re.compile(r'"([^"]*)"')
REPLACEMENT = "\ufffd"
USERNAME_CHARS = 20
RESERVED = frozenset({"demo", "admin"})


@dataclass(frozen=True)
class Product:
    title: str
    description: str


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str


def product(name: str, domain: str) -> Product:
    """The product's own name, and who made or stars in it as its description."""
    found = _SPLIT.match(" ".join(name.split()))
    title, people = (found["title"], found["people"] or "") if found else (name, "")
    title = _CODE.sub("", _EDITION.sub("", title)).strip(" :-,") or title
    names = [n.strip() for n in people.split(",") if n.strip() and REPLACEMENT not in n]
    if not names:
        return Product(title, "")
    verb = "Starring" if domain == "dvd" else "By"
    return Product(title, f"{verb} {', '.join(names)}.")


def display_name(raw: str) -> str:
    """'S. Walton "bibliophile42"' -> 'S. Walton'; a name in capitals gets title case; a
    name that is only a nickname keeps it."""
    plain = " ".join(_QUOTED.sub(" ", raw).replace('"', " ").split()).strip(" ,.-")
    if not plain:
        plain = " ".join(" ".join(_QUOTED.findall(raw)).split()) or raw.strip()
    if plain.isupper() and len(plain) > 3:
        plain = plain.title()
    return plain


def _ascii_words(text: str) -> list[str]:
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", flat.lower())


def _handle(raw: str, name: str) -> str:
    """A short handle: a one-word nickname as written, else first and last name."""
    nick = [w for q in _QUOTED.findall(raw) for w in [_ascii_words(q)] if len(w) == 1]
    words = _ascii_words(name)
    if len(words) > 1:
        words = [words[0], words[-1]] if len(words[-1]) > 1 else words[:2]
        base = ".".join(words)
    elif words:
        base = words[0]
    elif nick:
        base = nick[0][0]
    else:
        base = "reader"
    return base[:USERNAME_CHARS].strip(".") or "reader"


def people(raw_names: Iterable[str]) -> dict[str, Person]:
    """Each raw reviewer name -> a Person with a unique username (sorted raw names take
    numbers in order, so the result does not depend on the input's order)."""
    taken = set(RESERVED)
    result = {}
    for raw in sorted(set(raw_names)):
        name = display_name(raw)
        base = _handle(raw, name)
        username, n = base, 1
        while username in taken:
            n += 1
            username = f"{base[: USERNAME_CHARS - len(str(n))]}{n}"
        taken.add(username)
        first, _, last = name.partition(" ")
        result[raw] = Person(username, first[:150], last[:150])
    return result
