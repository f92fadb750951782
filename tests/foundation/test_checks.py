"""System checks reject wrong settings with a message that says what to write instead."""

import pytest
from django.test.utils import isolate_apps

from sentirec.checks import ARCHITECTURES, RENAMED_ARCHITECTURES, RULES, check_settings
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
    from sentirec.sentiment.architectures import RENAMED

    assert set(ARCHITECTURES) == set(BUILT)
    assert RENAMED_ARCHITECTURES == RENAMED
    for name in BUILT:
        settings.SENTIREC = {"RETRAIN_ARCH": name}
        assert check_settings() == [], name


def test_a_former_architecture_name_is_a_warning_naming_the_current_one(settings):
    settings.SENTIREC = {"RETRAIN_ARCH": "rnn"}
    (warning,) = check_settings()
    assert warning.id == "sentirec.W003" and '"RETRAIN_ARCH": "gru"' in warning.hint


def test_minilm_without_the_transformer_extra_is_an_error(settings, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "tokenizers" else real(name)
    )
    settings.SENTIREC = {"RETRAIN_ARCH": "minilm"}
    errors = check_settings()
    assert ids(errors) == ["sentirec.E006"]
    assert "tokenizers" in errors[0].msg and "sentirec[transformer]" in errors[0].hint
    settings.SENTIREC = {"RETRAIN_ARCH": "cnn"}
    assert check_settings() == []


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


def test_model_files_in_the_working_directory_are_warned_of(settings):
    """Django's MEDIA_ROOT defaults to "": a model file saved from a checkout lands in
    its sentirec/models/ (one was once committed that way)."""
    settings.SENTIREC = {}
    settings.MEDIA_ROOT = ""
    assert ids(check_settings()) == ["sentirec.W032"]
    settings.STORAGES = {
        **settings.STORAGES,
        "models": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": "/srv/models"},
        },
    }
    settings.SENTIREC = {"MODEL_STORAGE": "models"}
    assert ids(check_settings()) == []
    settings.SENTIREC = {}
    settings.MEDIA_ROOT = "/srv/media"
    assert ids(check_settings()) == []


def test_settings_read_through_conf_and_reloaded(settings):
    assert sentirec_settings.MAX_REVIEW_CHARS == 10_000
    settings.SENTIREC = {"MAX_REVIEW_CHARS": 42}
    assert sentirec_settings.MAX_REVIEW_CHARS == 42
    with pytest.raises(AttributeError):
        sentirec_settings.NOT_A_SETTING  # noqa: B018


def test_item_date_field_must_name_a_date_field_of_the_item_model(settings):
    from sentirec.checks import check_item_model

    assert check_item_model() == []  # sentirec.Item's "created" is found by itself
    for wrong in ("title", "no_such_field"):
        settings.SENTIREC = {"ITEM_DATE_FIELD": wrong}
        errors = check_item_model()
        assert ids(errors) == ["sentirec.E011"]
        assert repr(wrong) in errors[0].msg
    settings.SENTIREC = {"ITEM_DATE_FIELD": "created"}
    assert check_item_model() == []
    settings.SENTIREC = {"ITEM_DATE_FIELD": 7}
    assert ids(check_settings()) == ["sentirec.E003"]


def test_an_item_model_without_a_date_field_gets_a_warning(settings):
    from sentirec.checks import check_item_model

    settings.SENTIREC_ITEM_MODEL = "auth.Group"  # a model with no date field
    warnings = check_item_model()
    assert ids(warnings) == ["sentirec.W010"]
    assert "ITEM_DATE_FIELD" in warnings[0].hint


@isolate_apps("sentirec")
def test_a_composite_primary_key_is_an_error(monkeypatch):
    from django.apps import apps
    from django.db import models

    from sentirec.checks import check_item_model

    class Edition(models.Model):
        pk = models.CompositePrimaryKey("isbn", "printing")
        isbn = models.CharField(max_length=13)
        printing = models.PositiveIntegerField()
        created = models.DateTimeField()

        class Meta:
            app_label = "sentirec"

        def __str__(self) -> str:
            return self.isbn

    monkeypatch.setattr(apps, "get_model", lambda *args, **kwargs: Edition)
    assert ids(check_item_model()) == ["sentirec.E010"]


def test_item_text_field_must_name_a_field_of_the_item_model(settings):
    from sentirec.checks import check_item_model

    settings.SENTIREC = {"ITEM_TEXT_FIELD": "blurb"}
    errors = check_item_model()
    assert ids(errors) == ["sentirec.E012"] and "'blurb'" in errors[0].msg
    settings.SENTIREC = {"ITEM_TEXT_FIELD": "category"}
    assert check_item_model() == []
