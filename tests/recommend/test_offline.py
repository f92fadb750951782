"""Offline protocols and the command line, on small hand-made datasets."""

import json
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from sentirec.recommend import baselines, offline
from sentirec.recommend.__main__ import main
from sentirec.recommend.datasets import SocialDataset, load
from sentirec.recommend.offline import ProtocolError, evaluate, tune
from sentirec.recommend.social_mf import SocialFactorConfig, SocialFactorModel
from sentirec.recommend.splits import kfold

QUICK = SocialFactorConfig(factors=4, burn_in=5, samples=20)
QUICK_RANKING = SocialFactorConfig(objective="ranking", factors=8, reg=0.5, epochs=4)


@pytest.fixture(autouse=True)
def quick_baselines(monkeypatch):
    """Keep the biased-MF and BPR baselines small: these tests check the plumbing."""
    fast_mf = replace(baselines.BIASED_MF, factors=2, epochs=40)
    monkeypatch.setitem(baselines.BIASED_MF_DEFAULTS, "filmtrust", fast_mf)
    monkeypatch.setattr(baselines, "BPRConfig", partial(baselines.BPRConfig, epochs=5))


def two_group_dataset(kind="filmtrust", implicit=False, users=60, items=40, seed=0):
    """Even users like even items, odd users odd items; trust within groups."""
    rng = np.random.default_rng(seed)
    u, i = np.nonzero(rng.random((users, items)) < 0.35)
    if implicit:
        values = np.where(u % 2 == i % 2, rng.integers(50, 500, u.size), 0).astype(float)
        keep = values > 0
        u, i, values = u[keep], i[keep], values[keep]
    else:
        values = np.clip(np.where(u % 2 == i % 2, 3.5, 1.0) + rng.normal(0, 0.3, u.size), 0.5, 4)
    trust = np.array([[a, a + 2] for a in range(users - 2)])
    return SocialDataset(
        kind, Path("."), u, i, values, trust, None if implicit else (0.5, 4.0), implicit
    )


def test_rating_5fold_reports_ours_and_the_baselines():
    result = evaluate(two_group_dataset(), "rating-5fold", QUICK)
    assert result["dataset"] == "filmtrust" and result["protocol"] == "rating-5fold"
    assert set(result["sentirec"]) == {"rmse", "mae"}
    assert set(result["baselines"]) == {
        "global_average",
        "user_average",
        "item_average",
        "biased_mf",
    }
    assert result["sentirec"]["rmse"] < result["baselines"]["global_average"]["rmse"] * 0.7
    without = evaluate(two_group_dataset(), "rating-5fold", QUICK, use_trust=False)
    assert without["trust"] is False and without["config"]["use_trust"] is False


def test_ranking_811_reports_top10_metrics():
    data = two_group_dataset("lastfm", implicit=True)
    result = evaluate(data, "ranking-811", QUICK_RANKING)
    assert set(result["sentirec"]) == {"ndcg@10", "recall@10", "precision@10"}
    assert set(result["baselines"]) == {"popularity", "bpr_mf"}
    assert result["sentirec"]["ndcg@10"] > result["baselines"]["popularity"]["ndcg@10"]


def test_protocol_errors():
    with pytest.raises(ProtocolError, match="unknown protocol"):
        evaluate(two_group_dataset(), "leave-one-out")
    with pytest.raises(ProtocolError, match="explicit ratings"):
        evaluate(two_group_dataset("lastfm", implicit=True), "rating-5fold")


def test_tune_scores_on_validation_best_first():
    ranked = tune(two_group_dataset(), "rating-5fold", {"factors": [1, 4]}, QUICK)
    assert [len(r) for r in ranked] == [2, 2]
    assert ranked[0][1] <= ranked[1][1]
    ranked = tune(
        two_group_dataset("lastfm", True), "ranking-811", {"reg": [0.5, 5]}, QUICK_RANKING
    )
    assert ranked[0][1] >= ranked[1][1]


def test_nested_tuning_chooses_each_fold_on_its_own_training_part(monkeypatch):
    """Every model fitted or scored while choosing a fold's hyper-parameters sees only that
    fold's training rows; the chosen one then learns on all of them and meets the test."""
    seen = []

    class Recording(SocialFactorModel):
        def fit(self, users, items, values, **kwargs):
            self.fitted = set(zip(users.tolist(), items.tolist(), strict=True))
            return super().fit(users, items, values, **kwargs)

        def predict(self, users, items, item_groups=None):
            seen.append((self.fitted, set(zip(users.tolist(), items.tolist(), strict=True))))
            return super().predict(users, items, item_groups)

    monkeypatch.setattr(offline, "SocialFactorModel", Recording)
    data = two_group_dataset()
    grid = {"factors": [1, 4]}
    result = evaluate(data, "rating-5fold", QUICK, grid=grid)

    pairs = list(zip(data.users.tolist(), data.items.tolist(), strict=True))
    folds = kfold(len(data), offline.FOLDS, 0)
    assert len(seen) == offline.FOLDS * (len(grid["factors"]) + 1)
    for fold in range(offline.FOLDS):
        test = {pair for pair, f in zip(pairs, folds, strict=True) if f == fold}
        *choosing, (final_fit, final_test) = seen[3 * fold : 3 * fold + 3]
        for fitted, validation in choosing:
            assert not fitted & test and not validation & test and not fitted & validation
            assert fitted | validation == set(pairs) - test
        assert final_test == test and final_fit == set(pairs) - test
    assert result["tuned"] == {"grid": grid, "chosen": result["tuned"]["chosen"]}
    assert len(result["tuned"]["chosen"]) == offline.FOLDS
    assert all(c["factors"] in (1, 4) for c in result["tuned"]["chosen"])


def test_nested_tuning_on_the_ranking_split_chooses_on_the_validation_part():
    result = evaluate(
        two_group_dataset("lastfm", True), "ranking-811", QUICK_RANKING, grid={"reg": [0.5, 5]}
    )
    assert result["tuned"]["chosen"][0]["reg"] in (0.5, 5)


@pytest.fixture
def filmtrust_folder(tmp_path):
    data = two_group_dataset()
    rows = zip(data.users + 1, data.items + 1, data.values, strict=True)
    (tmp_path / "ratings.txt").write_text("".join(f"{u} {i} {r:.1f}\n" for u, i, r in rows))
    (tmp_path / "trust.txt").write_text("".join(f"{a + 1} {b + 1} 1\n" for a, b in data.trust))
    return tmp_path


def test_cli_prints_one_json_object(filmtrust_folder, capsys):
    argv = ["evaluate", "--dataset", f"filmtrust:{filmtrust_folder}", "--protocol"]
    argv += ["rating-5fold", "--json", "--set", "factors=4", "burn_in=5", "samples=20"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"dataset", "protocol", "sentirec", "baselines"} <= set(result)
    assert result["config"]["samples"] == 20


def test_cli_table_and_tune(filmtrust_folder, capsys):
    common = ["--dataset", f"filmtrust:{filmtrust_folder}", "--protocol", "rating-5fold"]
    assert main(["evaluate", *common, "--no-trust", "--set", "samples=10"]) == 0
    table = capsys.readouterr().out
    assert "trust off" in table and "sentirec" in table and "biased_mf" in table
    assert main(["tune", *common, "--grid", "factors=2,3", "--set", "samples=10"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--dataset", "filmtrust:/no/such/place", "--protocol", "rating-5fold"], "no such"),
        (["--dataset", "movielens:/tmp", "--protocol", "rating-5fold"], "unknown dataset kind"),
        (["--dataset", "filmtrust:/tmp", "--protocol", "bogus"], "unknown protocol"),
        (["--dataset", "filmtrust", "--protocol", "rating-5fold"], "KIND:PATH"),
        (["--protocol", "rating-5fold"], "required"),
        (["--dataset", "filmtrust:/tmp", "--protocol", "rating-5fold", "--set", "x=1"], "x"),
    ],
)
def test_cli_errors_are_one_line_with_status_2(argv, message, capsys):
    with pytest.raises(SystemExit) if "required" in message else _no_exit():
        status = main(["evaluate", *argv])
        assert status == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("error:")


def test_cli_malformed_file_exits_2(tmp_path, capsys):
    (tmp_path / "ratings.txt").write_text("<html>not ratings</html>\n" * 5)
    (tmp_path / "trust.txt").write_text("")
    assert (
        main(["evaluate", "--dataset", f"filmtrust:{tmp_path}", "--protocol", "rating-5fold"]) == 2
    )
    assert "not in the expected format" in capsys.readouterr().err


class _no_exit:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.slow
def test_filmtrust_defaults_beat_trustsvd_on_the_first_fold(shared_data):
    """The defaults against TrustSVD's published rating-5fold RMSE (0.787, LibRec), on the
    protocol's first fold alone (the same split ``evaluate`` makes): the whole protocol took
    up to 850 s under load, one fold is a fifth of it. Measured 2026-11-30: fold 0 RMSE
    0.7804, 48 CPU seconds (fold 1: 0.7691; the five-fold mean 0.7785), so the bar leaves
    0.0066, and fold 0 is harder than the mean."""
    data = load(f"filmtrust:{shared_data / 'filmtrust'}")
    test = kfold(len(data), offline.FOLDS, seed=0) == 0
    model = SocialFactorModel(offline.default_config("filmtrust", "rating-5fold"))
    assert offline._rating_metrics(data, ~test, test, model)["rmse"] < 0.787


@pytest.mark.slow
def test_lastfm_defaults_beat_mhcn(shared_data):
    """The defaults against MHCN's published ranking-811 NDCG@10 (RecBole-GNN)."""
    result = evaluate(load(f"lastfm:{shared_data / 'lastfm-hetrec2011-2k'}"), "ranking-811")
    assert result["sentirec"]["ndcg@10"] > 0.2068
