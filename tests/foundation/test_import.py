"""``sentirec_import`` loads each public dataset with the right counts, idempotently.

Expected counts come from an independent reading of the files in each test, not from
the importer's own readers.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from sentirec.models import Follow, Interaction, Item, ItemStats, Rating, Review
from sentirec.services.importing import import_dataset

pytestmark = pytest.mark.django_db
User = get_user_model()


def head(path, n, sep=None, skip_header=False) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    lines = [line for line in lines[1 if skip_header else 0 :] if line.strip()]
    return [line.split(sep) for line in lines[:n]]


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "items": Item.objects.count(),
        "ratings": Rating.objects.count(),
        "reviews": Review.objects.count(),
        "follows": Follow.objects.count(),
        "plays": Interaction.objects.count(),
    }


@pytest.mark.slow
def test_full_filmtrust_load_and_rerun(shared_data):
    folder = shared_data / "filmtrust"
    summary = import_dataset("filmtrust", folder)
    rows = head(folder / "ratings.txt", 10**6)
    pairs = {(r[0], r[1]) for r in rows}
    trust = {(r[0], r[1]) for r in head(folder / "trust.txt", 10**6)}
    people = {r[0] for r in rows} | {u for edge in trust for u in edge}
    assert len(rows) == 35_497 and len(pairs) == 35_497 - 3
    assert counts() == {
        "users": len(people),
        "items": len({r[1] for r in rows}),
        "ratings": len(pairs),
        "reviews": 0,
        "follows": len(trust),
        "plays": 0,
    }
    assert summary.skipped["duplicate user-item pair (kept the last)"] == 3
    assert ItemStats.objects.count() == counts()["items"]
    first = counts()
    again = import_dataset("filmtrust", folder)
    assert counts() == first
    assert sum(again.created.values()) == 0
    assert again.skipped["ratings already present"] == len(pairs)


def test_ciaodvd_slice(shared_data):
    folder = shared_data / "ciaodvd"
    import_dataset("ciaodvd", folder, limit=2000)
    rows = head(folder / "movie-ratings.txt", 2000, ",")
    trust = {(a, b) for a, b, *_ in head(folder / "trusts.txt", 2000, ",") if a != b}
    assert Rating.objects.count() == len({(r[0], r[1]) for r in rows})
    assert Follow.objects.count() == len(trust)
    assert Item.objects.count() == len({r[1] for r in rows})
    genre_of = {r[1]: int(r[2]) for r in rows}
    first = rows[0][1]
    names = ["Action & Adventure", "Comedy", "Family", "Drama"]
    if genre_of[first] <= len(names):
        assert Item.objects.get(external_id=first).category == names[genre_of[first] - 1]
    dates = {r[5].strip() for r in rows}
    assert Rating.objects.filter(created__year__in={int(d[:4]) for d in dates}).count() > 0


def test_ciao_slice_drops_zero_ratings(shared_data):
    from scipy.io import loadmat

    folder = shared_data / "ciao-mtrust"
    summary = import_dataset("ciao", folder, limit=3000)
    table = loadmat(folder / "rating.mat")["rating"][:3000]
    valid = table[table[:, 3] > 0]
    pairs = {(int(u), int(i)) for u, i in valid[:, :2]}
    assert Rating.objects.count() == len(pairs)
    assert summary.skipped.get("zero or out-of-range rating", 0) == int((table[:, 3] == 0).sum())
    catalog = (folder / "catalog_ciao.txt").read_text("latin-1").splitlines()
    names = {line.split(" ", 1)[1].strip() for line in catalog if " " in line}
    categories = set(Item.objects.values_list("category", flat=True))
    assert categories and categories <= names  # names from the catalog, not category ids
    edges = loadmat(folder / "trustnetwork.mat")["trustnetwork"][:3000]
    assert Follow.objects.count() == len({(int(a), int(b)) for a, b in edges if a != b})


def test_lastfm_slice_plays_and_friendships(shared_data):
    folder = shared_data / "lastfm-hetrec2011-2k"
    import_dataset("lastfm", folder, limit=2000)
    plays = head(folder / "user_artists.dat", 2000, "\t", skip_header=True)
    friends = head(folder / "user_friends.dat", 2000, "\t", skip_header=True)
    assert Interaction.objects.filter(kind="view").count() == len(plays)
    assert Interaction.objects.get(
        user__username=f"lastfm-{plays[0][0]}", item__external_id=plays[0][1]
    ).weight == int(plays[0][2])
    assert Follow.objects.count() == len({(a, b) for a, b in friends})
    names = dict(r[:2] for r in head(folder / "artists.dat", 10**6, "\t", skip_header=True))
    assert Item.objects.get(source="lastfm", external_id=plays[0][1]).title == names[plays[0][1]]
    import_dataset("lastfm", folder, limit=2000)
    assert Interaction.objects.count() == len(plays)


def test_blitzer_domain_reviews_become_reviews_and_ratings(shared_data):
    folder = shared_data / "multi-domain-sentiment" / "kitchen_&_housewares"
    summary = import_dataset("blitzer", folder, limit=50)
    expected = set()
    for name in ("negative.review", "positive.review"):
        blocks = (folder / name).read_text(encoding="utf-8", errors="replace").split("<review>")
        for block in blocks[1:51]:
            reviewer = block.split("<reviewer>\n", 1)[1].split("\n</reviewer>", 1)[0].strip()
            asin = block.split("<asin>\n", 1)[1].split("\n</asin>", 1)[0].strip()
            if reviewer:
                expected.add((reviewer, asin))
    assert Review.objects.count() == len(expected) > 90
    assert summary.created["reviews"] == len(expected)
    assert Rating.objects.count() == Review.objects.count()
    assert set(Review.objects.values_list("sentiment_status", flat=True)) == {"pending"}
    assert set(Item.objects.values_list("category", flat=True)) == {"kitchen_&_housewares"}
    assert set(Review.objects.values_list("stars", flat=True)) <= {1, 2, 4, 5}
    assert not Review.objects.filter(text__contains="&quot;").exists()  # entities decoded


def test_command_reports_and_errors(shared_data, tmp_path):
    out = StringIO()
    call_command(
        "sentirec_import",
        "filmtrust",
        str(shared_data / "filmtrust"),
        "--limit",
        "100",
        "--no-score",
        "-v",
        "0",
        stdout=out,
    )
    assert "Created:" in out.getvalue() and "100 ratings" in out.getvalue()
    with pytest.raises(CommandError, match="no such dataset folder"):
        call_command("sentirec_import", "filmtrust", str(tmp_path / "missing"))
    (tmp_path / "ratings.txt").write_text("not numbers at all\nstill not\n")
    (tmp_path / "trust.txt").write_text("")
    with pytest.raises(CommandError, match="not in the expected format"):
        call_command("sentirec_import", "filmtrust", str(tmp_path))
    with pytest.raises(CommandError, match="positive"):
        call_command("sentirec_import", "filmtrust", str(tmp_path), "--limit", "0")


def test_a_swapped_item_model_is_refused_before_anything_is_written(shared_data, settings):
    """It used to write every user, then crash with "Manager isn't available"; now it is a
    one-line CommandError (manage.py prints it and exits with its status, 1), with
    nothing written."""
    settings.SENTIREC_ITEM_MODEL = "auth.Group"  # any installed model other than Item
    with pytest.raises(CommandError) as refused:
        call_command("sentirec_import", "filmtrust", str(shared_data / "filmtrust"), "-v", "0")
    assert str(refused.value) == (
        "imported items are sentirec.Item rows, but SENTIREC_ITEM_MODEL = 'auth.Group' "
        "replaces that model here, so nothing was imported."
    )
    assert refused.value.returncode == 1
    assert User.objects.count() == 0
    with pytest.raises(CommandError, match=r"SENTIREC_ITEM_MODEL = 'auth\.Group'"):
        call_command("sentirec_demo", "-v", "0")
    assert User.objects.count() == 0


def test_an_import_that_fails_part_way_leaves_nothing(shared_data, monkeypatch):
    """One transaction: users, items and ratings written before the failure are gone."""
    import sentirec.services.importing as importing

    def fail(item_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "refresh_item_stats", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        import_dataset("filmtrust", shared_data / "filmtrust", limit=200)
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_database_refusal_is_one_line_and_leaves_nothing(shared_data, monkeypatch):
    """E.g. a host user model with a required field the importer cannot fill."""
    from django.db import IntegrityError

    def refuse(*args, **kwargs):
        raise IntegrityError('null value in column "shelf" violates not-null constraint\nDETAIL')

    monkeypatch.setattr(Rating.objects, "bulk_create", refuse)
    folder = str(shared_data / "filmtrust")
    with pytest.raises(CommandError) as refused:
        call_command("sentirec_import", "filmtrust", folder, "--limit", "50", "-v", "0")
    assert str(refused.value) == (
        'the database refused the import (null value in column "shelf" violates not-null '
        "constraint); nothing was imported."
    )
    assert counts() == dict.fromkeys(counts(), 0)
