"""What a rendered page offers a person: its forms (action, method, field names) and ids,
read with the standard library's HTML parser, as a browser would see the markup."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

FIELD_TAGS = {"input", "select", "textarea", "button"}


@dataclass
class Form:
    action: str
    method: str
    fields: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.ids: list[str] = []
        self._open: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if named.get("id"):
            self.ids.append(named["id"])
        if tag == "form":
            self._open = Form(named.get("action") or "", (named.get("method") or "get").lower())
            self.forms.append(self._open)
        elif tag in FIELD_TAGS and self._open is not None and named.get("name"):
            self._open.fields.append(named["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def forms(html: str) -> list[Form]:
    return read(html).forms


def form_posting_to(html: str, action: str) -> Form:
    found = [f for f in forms(html) if f.action == action]
    assert len(found) == 1, f"{len(found)} forms post to {action}"
    return found[0]


def duplicate_ids(html: str) -> list[str]:
    return [name for name, n in Counter(read(html).ids).items() if n > 1]
