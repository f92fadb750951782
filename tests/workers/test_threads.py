"""A worker gives each of its pool processes a share of the cores for torch."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from celery.signals import worker_init

from sentirec import tasks


@pytest.fixture
def no_thread_setting(monkeypatch):
    """OMP_NUM_THREADS unset for the test, and as it was afterwards."""
    monkeypatch.setenv("OMP_NUM_THREADS", "restored afterwards")
    monkeypatch.delenv("OMP_NUM_THREADS")


def test_the_worker_signal_reaches_it():
    assert any(key[0] == "sentirec_share_cores" for key, _ in worker_init.receivers)


@pytest.mark.parametrize(
    ("concurrency", "cores", "threads"),
    [(2, 2, "1"), (1, 2, "2"), (4, 2, "1"), (2, 8, "4"), ("auto", 8, "1")],
)
def test_each_pool_process_gets_its_share_of_the_cores(
    no_thread_setting, monkeypatch, concurrency, cores, threads
):
    monkeypatch.setattr(tasks, "cores", lambda: cores)
    tasks.share_cores(sender=SimpleNamespace(concurrency=concurrency))
    assert os.environ["OMP_NUM_THREADS"] == threads


def test_an_explicit_setting_is_kept(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    tasks.share_cores(sender=SimpleNamespace(concurrency=2))
    assert os.environ["OMP_NUM_THREADS"] == "3"
