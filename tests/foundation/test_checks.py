"""System checks reject wrong settings with a message that says what to write instead."""

import pytest

from sentirec.checks import ARCHITECTURES, RULES, check_settings
from sentirec.conf import DEFAULTS
from sentirec.conf import settings as sentirec_settings


def ids(errors) -> list[str]:
    return [error.id for error in errors]


def test_every_setting_has_a_rule():
    assert set(RULES) == set(DEFAULTS)


def test_defaults_pass():
    assert check_settings() == []


def test_retrain_arch_accepts_every_architecture_the_engine_builds(settings):
    from sentirec.sentiment.architectures import ARCHITECTURES as BUILT  # imports torch

    assert set(ARCHITECTURES) == set(BUILT)
    for name in BUILT:
        settings.SENTIREC = {"RETRAIN_ARCH": name}
        assert check_settings() == [], name


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [
        ("MAX_REVIEW_CHARS", -5, "positive integer"),
        ("MAX_REVIEW_CHARS", "10000", "positive integer"),
        ("RETRAIN_ARCH", "transformer", '"cnn"'),
        ("FEED_WEIGHTS", {"social": -1}, "non-negative"),
        ("FEED_WEIGHTS", {"vibes": 1}, "keys among"),
        ("RETRAIN_BASE_DATA", ["no-kind-here"], "KIND:PATH"),
        ("PROMOTION_MIN_ACCURACY_GAIN", 3, "between -1 and 1"),
        ("RETRAIN_OPTIONS", {"arch": "lstm"}, "RETRAIN_ARCH"),
    ],
)
def test_bad_values_are_reported_with_a_hint(settings, key, value, hint):
    settings.SENTIREC = {key: value}
    errors = check_settings()
    assert ids(errors) == ["sentirec.E003"]
    assert key in errors[0].msg
    assert hint in errors[0].hint


def test_unknown_key_and_non_dict(settings):
    settings.SENTIREC = {"MAX_REVIEW_CHARZ": 10}
    errors = check_settings()
    assert ids(errors) == ["sentirec.E002"]
    assert "MAX_REVIEW_CHARS" in errors[0].hint
    settings.SENTIREC = ["not", "a", "dict"]
    assert ids(check_settings()) == ["sentirec.E001"]


def test_unknown_storage_and_item_model(settings):
    settings.SENTIREC = {"MODEL_STORAGE": "s3"}
    assert ids(check_settings()) == ["sentirec.E004"]
    settings.SENTIREC = {}
    settings.SENTIREC_ITEM_MODEL = "shop.Nothing"
    assert ids(check_settings()) == ["sentirec.E005"]


def test_settings_read_through_conf_and_reloaded(settings):
    assert sentirec_settings.MAX_REVIEW_CHARS == 10_000
    settings.SENTIREC = {"MAX_REVIEW_CHARS": 42}
    assert sentirec_settings.MAX_REVIEW_CHARS == 42
    with pytest.raises(AttributeError):
        sentirec_settings.NOT_A_SETTING  # noqa: B018
