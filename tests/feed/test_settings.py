"""The feed's and the preference model's settings are checked like every other."""

from __future__ import annotations

import pytest

from sentirec.checks import check_settings


@pytest.mark.parametrize(
    "key, value",
    [
        ("FEED_SECOND_HOP", "yes"),
        ("FEED_SUGGESTIONS", -1),
        ("RECOMMENDER_OPTIONS", {"factorz": 8}),
        ("RECOMMENDER_OPTIONS", {"objective": "popularity"}),
        ("RECOMMENDER_OPTIONS", [("factors", 8)]),
        ("RECOMMENDER_INTERVAL_HOURS", -1),
    ],
)
def test_bad_values_are_reported(settings, key, value):
    settings.SENTIREC = {key: value}

    (error,) = check_settings()

    assert error.id == "sentirec.E003" and key in error.msg


def test_good_values_pass(settings):
    settings.SENTIREC = {
        "FEED_SECOND_HOP": True,
        "FEED_SUGGESTIONS": 0,
        "RECOMMENDER_OPTIONS": {"factors": 16, "epochs": 200},
        "RECOMMENDER_INTERVAL_HOURS": 0,
    }

    assert check_settings() == []
