"""The ``minilm`` tier: base weights from the package, only the trained part in a bundle,
WordPiece input, word highlights, resumable fine-tuning."""

import json
import re

import pytest
import torch

from sentirec.sentiment.architectures import build_model
from sentirec.sentiment.bundle import Bundle, BundleError, load_bundle
from sentirec.sentiment.cli import main
from sentirec.sentiment.minilm import encode_pieces, encode_words
from sentirec.sentiment.predictor import Predictor
from sentirec.sentiment.text import MAX_CHARS, Vocabulary
from sentirec.sentiment.training import train

from .conftest import fast_config


@pytest.fixture(scope="module")
def tiny(corpus, heldout):
    return train(*corpus, fast_config("minilm"), *heldout, progress=False)


def _bundle(model, hparams) -> Bundle:
    return Bundle("minilm", hparams, Vocabulary([]), model.state_dict(), {"max_tokens": 64})


def test_bundle_holds_only_the_tuned_layers_and_rebuilds_the_same_model():
    hparams = {"train_layers": 2}
    torch.manual_seed(0)
    model = build_model("minilm", 0, hparams).eval()
    keys = set(model.state_dict())
    assert keys and all(
        k.startswith(("encoder.layer.4.", "encoder.layer.5.", "classifier.")) for k in keys
    )
    data = _bundle(model, hparams).to_bytes()
    assert len(data) < 8 * 2**20  # two layers in fp16, no embeddings
    rebuilt = load_bundle(data).build_model()
    ids = torch.tensor([encode_pieces("a wonderful , moving film", 64)[0]])
    lengths = torch.tensor([ids.shape[1]])
    torch.testing.assert_close(rebuilt(ids, lengths), model(ids, lengths), atol=2e-2, rtol=0)


def test_every_layer_tuned_still_fits_25_mb():
    model = build_model("minilm", 0, {"train_layers": 6})
    assert len(_bundle(model, {"train_layers": 6}).to_bytes()) <= 25 * 2**20


def test_a_bundle_from_another_base_is_refused():
    model = build_model("minilm", 0, {"train_layers": 1})
    bundle = _bundle(model, {"train_layers": 1, "base_sha256": "0" * 64})
    with pytest.raises(BundleError, match="different all-MiniLM-L6-v2"):
        load_bundle(bundle.to_bytes())


def test_tiny_minilm_scores_through_the_predictor_with_word_highlights(tiny, heldout):
    predictor = Predictor(load_bundle(tiny.bundle.to_bytes()), top_k=3)
    text = "The acting was AWFUL and unbelievably dull, don't bother."
    (p,) = predictor.predict([text])
    assert p.label == "negative" and p.highlights
    for word, weight in p.highlights:
        assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), word  # whole words
        assert 0 < weight <= 1
    empty, emoji = predictor.predict(["", "🙂"])
    assert empty.label == emoji.label == "neutral"


def test_huge_text_keeps_offsets_of_the_original():
    text = "great " * 5 + "so " * MAX_CHARS + "terrible ending"
    ids, words, group = encode_words(text, 16)
    assert len(ids) == 16 and len(group) == 16 and group[0] == group[-1] == -1
    assert words[-1].text == "ending" and text[words[-1].start : words[-1].end] == "ending"
    assert words[0].text == "great"


def test_resume_from_a_checkpoint_and_refuse_a_foreign_one(corpus, heldout, tmp_path):
    texts, labels = corpus[0][:200], corpus[1][:200]
    config = fast_config("minilm", epochs=2)
    first = train(texts, labels, config, *heldout, progress=False, checkpoint_dir=tmp_path)
    assert (tmp_path / "state.pt").exists()
    assert len((tmp_path / "log.jsonl").read_text().splitlines()) == 2
    again = train(texts, labels, config, *heldout, progress=False, checkpoint_dir=tmp_path)
    assert again.bundle.version == first.bundle.version
    with pytest.raises(ValueError, match="belongs to another run"):
        train(
            texts, labels, fast_config("minilm", lr=1e-3), progress=False, checkpoint_dir=tmp_path
        )


def test_cli_trains_minilm(tmp_path, corpus, capsys):
    data = tmp_path / "data.csv"
    data.write_text("text,label\n" + "".join(f'"{t}",{y}\n' for t, y in zip(*corpus, strict=True)))
    hp = fast_config("minilm").hparams
    out = tmp_path / "m.bundle"
    args = ["train", "--arch", "minilm", "--data", f"csv:{data}", "--out", str(out)]
    args += ["--epochs", "2", "--lr", "5e-3", "--quiet"]
    args += [f"--hparam={k}={json.dumps(v)}" for k, v in hp.items()]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["version"].startswith("minilm-") and report["epochs"] == 2
    bundle = load_bundle(out)
    assert bundle.arch == "minilm" and bundle.hparams == hp and bundle.version == report["version"]
