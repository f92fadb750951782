"""The registry always lists the model the workers serve, starting with the shipped one."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sentirec import engine
from sentirec.models import SentimentModel
from sentirec.sentiment.bundle import default_bundle_path, load_bundle
from sentirec.services import registry

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shipped_version() -> str:
    return load_bundle(default_bundle_path()).version


def test_a_new_site_lists_the_shipped_model_as_the_active_row(shipped_version):
    # the test database was built by ``migrate``, as a new site's is
    model = SentimentModel.objects.get(is_active=True)
    assert model.version == shipped_version
    assert model.training_data["shipped"] is True
    assert model.activated_at is not None
    assert model.file.storage.exists(model.file.name)
    with model.file.open("rb") as handle:
        assert handle.read() == default_bundle_path().read_bytes()
    # its page has figures to show: accuracy, the confusion matrix, a training curve
    assert 0.8 < model.accuracy < 1.0
    assert sum(map(sum, model.metrics["confusion"])) == model.metrics["n"]
    assert model.metrics["history"][-1]["val_acc"] > 0.5


def test_the_worker_serves_exactly_that_row(shipped_version):
    engine.reset()
    try:
        served = engine.active_engine()
        assert served.model_id == SentimentModel.objects.get(is_active=True).pk
        assert served.version == shipped_version
    finally:
        engine.reset()


def test_migrating_again_registers_nothing_new_and_keeps_the_active_model(toy_model):
    files_before = sorted(toy_model.file.storage.listdir("sentirec/models")[1])
    call_command("migrate", verbosity=0)
    assert SentimentModel.objects.filter(training_data__shipped=True).count() == 1
    assert SentimentModel.objects.get(is_active=True) == toy_model
    assert registry.register_shipped().is_active is False
    assert sorted(toy_model.file.storage.listdir("sentirec/models")[1]) == files_before


def test_rolling_back_reaches_the_shipped_model_even_if_it_never_served(toy_model):
    shipped = SentimentModel.objects.get(training_data__shipped=True)
    SentimentModel.objects.filter(pk=shipped.pk).update(activated_at=None)  # an upgraded site
    assert registry.rollback() == shipped
    assert SentimentModel.objects.get(is_active=True) == shipped
    assert registry.rollback() == toy_model  # and forward again: it was active before


def test_rollback_with_nowhere_to_go_says_so():
    SentimentModel.objects.exclude(is_active=True).delete()
    with pytest.raises(registry.RegistryError, match="Nothing to roll back to"):
        registry.rollback()
