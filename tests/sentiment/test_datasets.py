import pytest

from sentirec.sentiment.datasets import DatasetError, load, parse_spec

REVIEW = """<review>
<unique_id>
{uid}
</unique_id>
<rating>
{rating}
</rating>
<title>
{title}
</title>
<review_text>
{text}
</review_text>
</review>
"""


def _blitzer(folder, name, reviews):
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(
        REVIEW.format(uid=i, rating=r, title=t, text=x) for i, (r, t, x) in enumerate(reviews)
    )
    (folder / name).write_text(body, encoding="utf-8")


def test_sst2_strips_space_before_tab(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("sentence\tlabel\nit 's good \t1\nbad , bad \t0\n", encoding="utf-8")
    data = load("sst2", path)
    assert data.texts == ["it 's good", "bad , bad"]
    assert data.labels == [1, 0]


def test_sst2_rejects_wrong_header(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("label\tsentence\n1\tgood\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="header"):
        load("sst2", path)


def test_blitzer_reads_all_domains_by_stars_and_decodes_entities(tmp_path):
    _blitzer(
        tmp_path / "books", "positive.review", [("5.0", "Great", "I &quot;loved&quot; it & more")]
    )
    _blitzer(
        tmp_path / "books", "negative.review", [("2.0", "Meh!", "not good"), ("3.0", "x", "mid")]
    )
    _blitzer(tmp_path / "kitchen_&_housewares", "negative.review", [("4.0", "Fine", "works")])
    _blitzer(tmp_path / "books", "unlabeled.review", [("1.0", "no", "ignored")])
    data = load("blitzer", tmp_path)
    assert sorted(zip(data.texts, data.labels, strict=False)) == [
        ("Fine. works", 1),
        ('Great. I "loved" it & more', 1),
        ("Meh! not good", 0),
    ]
    assert {e.group for e in data} == {"books", "kitchen_&_housewares"}
    assert len(load("blitzer", tmp_path / "books")) == 2


def test_uci_splits_on_newline_only(tmp_path):
    (tmp_path / "imdb_labelled.txt").write_text("a\x85b good  \t1\nbad\t0\n", encoding="utf-8")
    data = load("uci", tmp_path)
    assert data.texts == ["a\x85b good", "bad"]
    assert data.labels == [1, 0]


def test_csv_accepts_text_label_and_imdb_style_headers(tmp_path):
    (tmp_path / "a.csv").write_text(
        'text,label\n"good, really",positive\nbad,0\n', encoding="utf-8"
    )
    (tmp_path / "b.csv").write_text('reviews,labels\n"great<br />film",1\n', encoding="utf-8")
    assert load("csv", tmp_path / "a.csv").labels == [1, 0]
    assert load("csv", tmp_path / "b.csv").texts == ["great film"]


@pytest.mark.parametrize(
    ("kind", "name", "match"),
    [
        ("nope", "x", "unknown data kind"),
        ("sst2", "missing.tsv", "no such file"),
        ("blitzer", "", "no positive.review"),
    ],
)
def test_errors_are_dataset_errors(tmp_path, kind, name, match):
    with pytest.raises(DatasetError, match=match):
        load(kind, tmp_path / name)


def test_bad_label_names_the_line(tmp_path):
    (tmp_path / "a.csv").write_text("text,label\ngood,maybe\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"a\.csv:2"):
        load("csv", tmp_path / "a.csv")


def test_parse_spec():
    assert parse_spec("sst2:/a:b") == ("sst2", "/a:b")
    with pytest.raises(DatasetError):
        parse_spec("sst2")


def test_shared_data_row_counts(shared_data):
    assert len(load("sst2", shared_data / "sst2" / "train.tsv")) == 67349
    blitzer = load("blitzer", shared_data / "multi-domain-sentiment")
    assert len(blitzer) == 6348
    assert sum(blitzer.labels) == 799 + 799 + 796 + 800
    assert len(load("uci", shared_data / "uci-sentiment-labelled-sentences")) == 3000
    assert len(load("csv", shared_data / "imdb-2k-sample" / "imdb.csv")) == 2000
