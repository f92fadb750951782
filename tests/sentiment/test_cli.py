import json
import subprocess
import sys

import pytest

from sentirec.sentiment.cli import main


def _csv(path, texts, labels):
    lines = ["text,label"] + [f'"{t}",{y}' for t, y in zip(texts, labels, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "--model", "{model}", "--data", "imdb:/x"],
        ["evaluate", "--model", "{model}", "--data", "sst2:/definitely/missing.tsv"],
        ["evaluate", "--model", "{model}", "--data", "no-colon"],
        ["evaluate", "--model", "{tmp}/missing.bundle", "--data", "csv:{csv}"],
        ["evaluate", "--model", "{csv}", "--data", "csv:{csv}"],
        ["train", "--arch", "cnn", "--data", "blitzer:{tmp}", "--out", "{tmp}/o.bundle"],
    ],
)
def test_user_errors_are_one_line_and_exit_2(argv, bundle_file, tmp_path, capsys, heldout):
    csv = _csv(tmp_path / "d.csv", heldout[0][:5], heldout[1][:5])
    argv = [a.format(model=bundle_file, tmp=tmp_path, csv=csv) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_unknown_arch_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", "--arch", "bert", "--data", "csv:x", "--out", "y"])
    assert exc.value.code == 2


def test_train_evaluate_predict(tmp_path, corpus, heldout, capsys):
    data = _csv(tmp_path / "train.csv", *corpus)
    test = _csv(tmp_path / "test.csv", *heldout)
    out = tmp_path / "m.bundle"
    assert (
        main(
            [
                "train",
                "--arch",
                "mlp",
                "--data",
                f"csv:{data}",
                "--out",
                str(out),
                "--embeddings",
                "random",
                "--lr",
                "0.005",
                "--epochs",
                "3",
                "--quiet",
                "--hparam",
                "hidden=16",
            ]
        )
        == 0
    )
    assert out.exists() and json.loads(capsys.readouterr().out)["version"].startswith("mlp-")
    assert main(["evaluate", "--model", str(out), "--data", f"csv:{test}", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"accuracy", "macro_f1", "n", "reviews_per_s"} <= set(result)
    assert result["n"] == len(heldout[0]) and result["accuracy"] > 0.8
    assert main(["predict", "--model", str(out), "--json", "superb fun", ""]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["label"] for r in rows] == ["positive", "neutral"]


def test_module_entry_point(bundle_file, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sentirec.sentiment",
            "evaluate",
            "--model",
            str(bundle_file),
            "--data",
            "uci:/nope",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "no such file" in proc.stderr
