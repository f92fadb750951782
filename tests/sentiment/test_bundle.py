import io
import struct

import pytest

from sentirec.sentiment.bundle import MAGIC, Bundle, BundleError, default_bundle_path, load_bundle
from sentirec.sentiment.predictor import Predictor

TEXTS = ["a really great film", "the worst plot , dull", "it was fun and superb !", ""]


def _predictions(bundle):
    return [
        (p.label, p.score, p.confidence, p.highlights) for p in Predictor(bundle).predict(TEXTS)
    ]


def test_round_trip_through_path_and_file_object(trained, bundle_file):
    original = trained.bundle
    loaded = load_bundle(bundle_file)
    assert _predictions(loaded) == _predictions(load_bundle(bundle_file.read_bytes()))
    buf = io.BytesIO()
    loaded.save(buf)
    buf.seek(10)  # load_bundle rewinds file objects, as Django storage files may be read
    again = load_bundle(buf)
    assert _predictions(again) == _predictions(loaded)
    assert (again.arch, again.version, again.metrics) == (
        original.arch,
        loaded.version,
        original.metrics,
    )
    assert again.vocab.itos == original.vocab.itos
    assert again.config["arch"] == "cnn" and again.temperature == pytest.approx(
        original.temperature
    )
    assert {"torch", "sentirec_sentiment"} <= set(again.versions)
    assert len(again.data_hash) == 64


def test_version_is_short_and_stable(trained, bundle_file):
    version = load_bundle(bundle_file).version
    assert version == load_bundle(bundle_file).version
    assert version.startswith("cnn-") and len(version) <= 20


def test_flipped_byte_is_a_checksum_error(bundle_file, tmp_path):
    data = bytearray(bundle_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    with pytest.raises(BundleError, match="checksum"):
        load_bundle(bytes(data))


def test_truncated_file_says_truncated(bundle_file):
    data = bundle_file.read_bytes()
    for cut in (len(data) - 1, len(data) // 2, 20):
        with pytest.raises(BundleError, match="truncated"):
            load_bundle(data[:cut])


def test_not_a_bundle(tmp_path):
    for junk in (b"", b"PK\x03\x04 a zip file", b"hello world" * 10):
        with pytest.raises(BundleError, match="not a sentirec bundle"):
            load_bundle(junk)
    with pytest.raises(BundleError, match="cannot read"):
        load_bundle(tmp_path / "missing.bundle")
    assert issubclass(BundleError, ValueError)


def test_future_format_version_is_incompatible(bundle_file):
    data = bytearray(bundle_file.read_bytes())
    data[len(MAGIC) : len(MAGIC) + 4] = struct.pack(">I", 99)
    with pytest.raises(BundleError, match="format version 99"):
        load_bundle(bytes(data))


def _resaved(bundle: Bundle, **changes) -> bytes:
    fields = {
        k: getattr(bundle, k)
        for k in (
            "arch",
            "hparams",
            "vocab",
            "state_dict",
            "config",
            "labels",
            "metrics",
            "temperature",
            "data_hash",
        )
    }
    return Bundle(**{**fields, **changes}).to_bytes()


def test_unknown_architecture_and_mismatched_weights_are_incompatible(trained):
    with pytest.raises(BundleError, match=r"incompatible.*'gpt'"):
        load_bundle(_resaved(trained.bundle, arch="gpt"))
    with pytest.raises(BundleError, match=r"incompatible.*weights"):
        load_bundle(_resaved(trained.bundle, hparams={**trained.bundle.hparams, "filters": 7}))


def test_default_bundle_path_points_into_the_package():
    path = default_bundle_path()
    assert path.parent.name == "data" and path.parent.parent.name == "sentirec"
