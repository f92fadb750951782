"""Dataset readers on hand-made files (every skip reason) and, when present, the real data."""

from pathlib import Path

import numpy as np
import pytest
from scipy.io import savemat

from sentirec.recommend.datasets import (
    BROKEN_ROW,
    DUPLICATE_EDGE,
    DUPLICATE_PAIR,
    OUT_OF_RANGE,
    SELF_TRUST,
    DatasetError,
    load,
    parse_spec,
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def filmtrust(tmp_path):
    write(tmp_path, "ratings.txt", "1 10 2\n1 11 4\n2 10 0.5\n1 10 3.5\n3 12 4.5\nbad row x\n\n")
    write(tmp_path, "trust.txt", "1 2 1\n2 1 1\n1 1 1\n1 2 1\n")
    return tmp_path


def test_filmtrust_reader_counts_every_skip_reason(filmtrust):
    data = load(f"filmtrust:{filmtrust}")
    assert data.rating_range == (0.5, 4.0) and not data.implicit
    pairs = dict(
        zip(zip(data.users.tolist(), data.items.tolist(), strict=True), data.values, strict=True)
    )
    assert pairs == {(1, 10): 3.5, (1, 11): 4.0, (2, 10): 0.5}  # the last duplicate is kept
    assert data.trust.tolist() == [[1, 2], [2, 1]]
    assert data.skipped.counts == {
        DUPLICATE_PAIR: 1,
        OUT_OF_RANGE: 1,
        BROKEN_ROW: 1,
        SELF_TRUST: 1,
        DUPLICATE_EDGE: 1,
    }
    assert "1 self-trust" in data.summary()


def test_path_may_be_a_file_in_the_folder_and_limit_slices(filmtrust):
    data = load(f"filmtrust:{filmtrust / 'ratings.txt'}", limit=2)
    assert len(data) == 2 and len(data.trust) == 2


def test_ciaodvd_reader_keeps_dates_and_genres(tmp_path):
    write(
        tmp_path,
        "movie-ratings.txt",
        "1,5,3,100,4,2005-01-02\n2,5,3,101,5,2006-03-04\n2,6,1,102,0,2006-03-04\n3,7,1,1,2,nodate",
    )
    write(tmp_path, "trusts.txt", "1,2,1\n2,2,1")
    data = load(f"ciaodvd:{tmp_path}")
    assert data.values.tolist() == [4.0, 5.0]
    assert data.categories.tolist() == [3, 3]
    assert data.timestamps.astype(str).tolist() == ["2005-01-02", "2006-03-04"]
    assert data.skipped.counts == {OUT_OF_RANGE: 1, BROKEN_ROW: 1, SELF_TRUST: 1}


def test_ciao_reader_drops_zero_ratings(tmp_path):
    rating = np.array([[1, 9, 2, 5, 3], [1, 8, 2, 0, 3], [2, 9, 2, 3, 1], [1, 9, 2, 4, 1]])
    savemat(tmp_path / "rating.mat", {"rating": rating.astype(np.int32)})
    savemat(tmp_path / "trustnetwork.mat", {"trustnetwork": np.array([[1, 2], [2, 1]])})
    data = load(f"ciao:{tmp_path}")
    assert sorted(
        zip(data.users.tolist(), data.items.tolist(), data.values.tolist(), strict=True)
    ) == [
        (1, 9, 4.0),
        (2, 9, 3.0),
    ]
    assert data.categories.tolist() == [2, 2]
    assert data.skipped.counts == {OUT_OF_RANGE: 1, DUPLICATE_PAIR: 1}


def test_lastfm_reader_is_implicit_with_names(tmp_path):
    write(tmp_path, "user_artists.dat", "userID\tartistID\tweight\n2\t51\t13883\n2\t52\t0\n")
    write(tmp_path, "user_friends.dat", "userID\tfriendID\n2\t275\n275\t2\n")
    write(tmp_path, "artists.dat", "id\tname\turl\tpictureURL\n51\tDuran Duran\thttp://x\t\n")
    data = load(f"lastfm:{tmp_path}")
    assert data.implicit and data.rating_range is None
    assert data.values.tolist() == [13883.0]
    assert data.item_names == {51: "Duran Duran"}
    assert len(data.trust) == 2
    assert data.skipped.counts == {OUT_OF_RANGE: 1}


@pytest.mark.parametrize(
    "spec, message",
    [
        ("filmtrust", "expected KIND:PATH"),
        ("movielens:/tmp", "unknown dataset kind"),
        ("filmtrust:/no/such/folder", "no such dataset folder"),
    ],
)
def test_bad_specs_raise_one_line_errors(spec, message):
    with pytest.raises(DatasetError, match=message) as info:
        parse_spec(spec) if "no such" not in message else load(spec)
    assert "\n" not in str(info.value)


def test_missing_file_and_malformed_files_raise(tmp_path):
    with pytest.raises(DatasetError, match="missing file"):
        load(f"filmtrust:{tmp_path}")
    write(tmp_path, "ratings.txt", '{"not": "ratings"}\n{"still": "json"}\n')
    write(tmp_path, "trust.txt", "")
    with pytest.raises(DatasetError, match="not in the expected format"):
        load(f"filmtrust:{tmp_path}")
    write(tmp_path, "ratings.txt", "")
    with pytest.raises(DatasetError, match="no valid rating rows"):
        load(f"filmtrust:{tmp_path}")
    write(tmp_path, "rating.mat", "not a mat file")
    with pytest.raises(DatasetError, match="MATLAB"):
        load(f"ciao:{tmp_path}")


def test_real_filmtrust_matches_its_readme(shared_data):
    data = load(f"filmtrust:{shared_data / 'filmtrust'}")
    assert len(data) == 35_497 - 3
    assert data.skipped.counts == {DUPLICATE_PAIR: 3}
    assert np.unique(data.users).size == 1508 and np.unique(data.items).size == 2071
    assert len(data.trust) == 1853


@pytest.mark.slow
def test_real_ciao_drops_the_34_zero_ratings(shared_data):
    data = load(f"ciao:{shared_data / 'ciao-mtrust'}")
    assert data.skipped.counts[OUT_OF_RANGE] == 34
    assert len(data.trust) == 111_781
