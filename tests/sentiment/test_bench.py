import json
import random

import pytest

from sentirec.sentiment.bench import END, START, refresh_shipped, run_bench
from sentirec.sentiment.bundle import load_bundle
from sentirec.sentiment.cli import main
from sentirec.sentiment.corpora import load_corpora
from sentirec.sentiment.distill import save_soft_labels
from sentirec.sentiment.markdown import write_section

from .conftest import synthetic
from .test_datasets import _blitzer


def test_write_section_replaces_only_the_sentiment_part(tmp_path):
    docs = tmp_path / "benchmarks.md"
    write_section(docs, "sentiment", "first")
    assert docs.read_text().startswith("# Benchmarks") and "first" in docs.read_text()
    docs.write_text(docs.read_text() + "\n## Feed\nfeed numbers\n")
    write_section(docs, "sentiment", "second")
    text = docs.read_text()
    assert "first" not in text and "second" in text and "feed numbers" in text
    assert text.count(START) == 1 and text.count(END) == 1


@pytest.fixture
def data_root(tmp_path):
    """A miniature shared/data with the same layout and formats."""
    root = tmp_path / "data"
    texts, labels = synthetic(400, seed=3)
    (root / "sst2").mkdir(parents=True)
    rows = [f"{t} \t{y}" for t, y in zip(texts, labels, strict=True)]
    rows += [" ".join(t.split()[:3]) + f" \t{y}" for t, y in zip(texts, labels, strict=True)]
    (root / "sst2" / "train.tsv").write_text("sentence\tlabel\n" + "\n".join(rows) + "\n")
    rng = random.Random(0)
    for domain in ("books", "dvd"):
        for name, stars in (("positive.review", "5.0"), ("negative.review", "1.0")):
            label = int(stars == "5.0")
            reviews = [
                (
                    stars,
                    "title",
                    " ".join(
                        t
                        for t, y in zip(texts, labels, strict=True)
                        if y == label and rng.random() < 0.03
                    ),
                )
                for _ in range(15)
            ]
            _blitzer(root / "multi-domain-sentiment" / domain, name, reviews)
    (root / "uci-sentiment-labelled-sentences").mkdir()
    (root / "uci-sentiment-labelled-sentences" / "yelp_labelled.txt").write_text(
        "\n".join(f"{t}\t{y}" for t, y in zip(*synthetic(50, seed=4), strict=True))
    )
    (root / "imdb-2k-sample").mkdir()
    (root / "imdb-2k-sample" / "imdb.csv").write_text(
        "reviews,labels\n" + "\n".join(f'"{t}",{y}' for t, y in zip(*synthetic(50, 5), strict=True))
    )
    return root


def test_corpora_hold_out_sentences_and_reviews(data_root):
    corpora = load_corpora(data_root)
    assert corpora.sst2_val[0] and corpora.blitzer_val[0]
    assert not set(corpora.sst2_val[0]) & set(corpora.sst2_train[0])
    assert len(corpora.train("both")[0]) == len(corpora.sst2_train[0]) + len(
        corpora.blitzer_train[0]
    )


@pytest.mark.slow
def test_bench_end_to_end(data_root, tmp_path):
    docs = tmp_path / "docs" / "benchmarks.md"
    results = run_bench(
        data_root, docs, epochs=1, models=["mlp", "vader"], shipped=tmp_path / "none.bundle"
    )
    text = docs.read_text()
    assert "| mlp | sst2-sentences |" in text and "vader" in text
    assert (docs.parent / "img" / "sentiment-accuracy-vs-throughput.png").exists()
    assert {r["model"] for r in results["main"]} == {"mlp", "vader"}
    assert all(r["peak_rss_mb"] > 0 for r in results["main"])


@pytest.mark.slow
def test_rebuild_command(data_root, tmp_path, capsys):
    out = tmp_path / "default.bundle"
    assert main(["rebuild", "--data-root", str(data_root), "--out", str(out), *ONE_QUIET]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["version"].startswith("ensemble-") and "accuracy_uci" in report
    assert out.exists() and "teacher" not in load_bundle(out).metrics


ONE_QUIET = ["--epochs", "1", "--quiet"]


@pytest.mark.slow
def test_rebuild_with_soft_labels_trains_students_of_the_named_teacher(data_root, tmp_path, capsys):
    soft = tmp_path / "soft.tsv.gz"
    save_soft_labels(soft, ["a delight", "a chore to sit through"], [0.97, 0.04], teacher="t-1")
    plain, student = tmp_path / "plain.bundle", tmp_path / "student.bundle"
    for out, extra in ((plain, []), (student, ["--soft-labels", str(soft)])):
        args = ["rebuild", "--data-root", str(data_root), "--out", str(out), *extra]
        assert main([*args, *ONE_QUIET]) == 0
    capsys.readouterr()
    assert load_bundle(student).metrics["teacher"] == "t-1"
    assert load_bundle(student).data_hash != load_bundle(plain).data_hash
    missing = ["rebuild", "--data-root", str(data_root), "--soft-labels", str(tmp_path / "no")]
    assert main([*missing, *ONE_QUIET]) == 2
    assert "cannot read soft labels" in capsys.readouterr().err


def test_shipped_only_replaces_just_the_shipped_rows(data_root, tmp_path, bundle_file):
    docs = tmp_path / "docs" / "benchmarks.md"
    docs.parent.mkdir()
    figure = "![accuracy vs throughput](img/sentiment-accuracy-vs-throughput.png)"
    docs.write_text("# Benchmarks\n\n## Feed\nfeed numbers\n")
    write_section(
        docs, "sentiment", f"| cnn | keep me |\n\n### Shipped model `old`\n\nold rows\n\n{figure}\n"
    )
    scores = refresh_shipped(data_root, docs, bundle_file)
    text = docs.read_text()
    assert "keep me" in text and "feed numbers" in text and "old rows" not in text
    assert f"### Shipped model `{scores['version']}` (cnn)" in text
    assert text.count("### Shipped model") == 1 and text.count(figure) == 1
    assert "| sst2-sentences |" in text and "--shipped-only" in text
    assert (docs.parent / "img" / "sentiment-shipped-confusion.png").exists()
    write_section(docs, "sentiment", "no shipped rows yet")
    refresh_shipped(data_root, docs, bundle_file)
    assert "no shipped rows yet" in docs.read_text()
    assert docs.read_text().count("### Shipped model") == 1


def test_rebuild_and_bench_reject_a_missing_data_root(tmp_path, capsys):
    for command in ("rebuild", "bench"):
        assert main([command, "--data-root", str(tmp_path / "nope")]) == 2
        assert "not a folder" in capsys.readouterr().err


def test_bench_models_never_early_stop_on_the_sets_they_are_scored_on(monkeypatch, corpus):
    from sentirec.sentiment import bench
    from sentirec.sentiment.training import train

    seen = {}

    def spy(texts, labels, config, *val, **kw):
        seen.update(val=val, fraction=config.val_fraction)
        return train(texts, labels, config, *val, **kw)

    monkeypatch.setattr(bench, "train", spy)
    row = bench._job("mlp", "both", corpus, {"eval": corpus}, 1)
    assert seen == {"val": (), "fraction": bench.SELECTION_FRACTION}
    assert set(row.scores) == {"eval"}
