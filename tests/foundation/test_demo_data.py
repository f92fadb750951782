"""The shipped demo file reads like a site people use: short readable usernames with a
display name, product names without cast lists, no lost characters; and the demo login
follows film and book lovers."""

from __future__ import annotations

import re

import pytest

from sentirec.services.demo import DEMO_DOMAINS, DEMO_FILE, demo_followees, read_demo
from sentirec.services.public_names import display_name, people, product
from tests.processes import run_python


@pytest.fixture(scope="module")
def demo():
    return read_demo()


def test_usernames_are_short_readable_and_unique(demo):
    usernames = [p.username for p in demo.people.values()]
    assert len(usernames) == len(set(usernames)) > 1000
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.]{0,19}", u) for u in usernames)
    assert not any(u.startswith("blitzer-") for u in usernames)
    named = [p for p in demo.people.values() if p.last_name]
    assert len(named) > len(demo.people) / 2  # most have a first and last name


def test_titles_are_product_names_and_the_cast_is_the_description(demo):
    titles = [p.title for p in demo.products.values()]
    assert not any(
        re.search(r": (DVD|Books|Electronics|Kitchen & Housewares)\b", t) for t in titles
    )
    films = [p for p in demo.products.values() if p.description.startswith("Starring ")]
    assert len(films) > 100


def test_no_replacement_characters_anywhere(demo):
    fields = [t for p in demo.products.values() for t in (p.title, p.description)]
    fields += [t for r in demo.reviews for t in (r.title, r.text, r.reviewer)]
    fields += [f"{p.first_name} {p.last_name}" for p in demo.people.values()]
    assert not [t for t in fields if "\ufffd" in t]


def test_product_and_people_names():
    ed = product("Ed Wood (Special Edition): DVD: Johnny Depp,Martin Landau,K\ufffdji Y", "dvd")
    assert (ed.title, ed.description) == ("Ed Wood", "Starring Johnny Depp, Martin Landau.")
    book = product(
        "Guns, Germs, and Steel: The Fates of Human Societies: Books: Jared Diamond", "books"
    )
    assert book.title == "Guns, Germs, and Steel: The Fates of Human Societies"
    assert book.description == "By Jared Diamond."
    assert product("Pyrex Candy Thermometer: Kitchen & Housewares", "kitchen").title == (
        "Pyrex Candy Thermometer"
    )
    assert display_name('S. Walton "bibliophile42"') == "S. Walton"
    assert display_name("BRUCE ST JOHN") == "Bruce St John"
    named = people(['S. Walton "bibliophile42"', "S Walton", "demo", "GurlFriday"])
    assert named["S Walton"].username == "s.walton"  # sorted names number in order
    assert named['S. Walton "bibliophile42"'].username == "s.walton2"
    assert named["demo"].username == "demo2"  # the demo logins' names are kept free
    assert named["GurlFriday"].username == "gurlfriday"


def test_the_demo_login_follows_focused_film_and_book_reviewers():
    rows = [(1, 10, "dvd"), (1, 11, "dvd"), (2, 12, "dvd"), (2, 13, "kitchen"), (3, 14, "books")]
    assert demo_followees(rows) == {1, 3}
    assert set(DEMO_DOMAINS) == {"books", "dvd"}


def test_the_shipped_file_is_what_the_script_builds(shared_data, tmp_path):
    out = tmp_path / "demo.jsonl.gz"
    folder = shared_data / "multi-domain-sentiment"
    run_python("scripts/build_demo_data.py", str(folder), "--out", str(out))
    assert out.read_bytes() == DEMO_FILE.read_bytes()
