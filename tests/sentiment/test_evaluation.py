import torch

from sentirec.sentiment.calibration import expected_calibration_error, fit_temperature
from sentirec.sentiment.evaluation import evaluate
from sentirec.sentiment.metrics import classification_metrics
from sentirec.sentiment.plots import (
    accuracy_throughput_png,
    confusion_matrix_png,
    training_curve_png,
)

PNG = b"\x89PNG\r\n\x1a\n"


def test_metrics_by_hand():
    m = classification_metrics([1, 1, 1, 0, 0], [1, 1, 0, 0, 1])
    assert m["confusion"] == [[1, 1], [1, 2]]
    assert m["accuracy"] == 0.6
    f1_neg, f1_pos = 2 * 1 / (2 + 1 + 1), 2 * 2 / (4 + 1 + 1)
    assert abs(m["macro_f1"] - (f1_neg + f1_pos) / 2) < 1e-12


def test_evaluate_reports_quality_speed_and_calibration(trained, heldout):
    result = evaluate(trained.bundle, *heldout)
    assert result["n"] == len(heldout[0])
    assert result["accuracy"] > 0.85
    assert result["reviews_per_s"] > 0 and result["peak_rss_mb"] > 0
    assert 0 <= result["ece"] <= 1
    assert sum(map(sum, result["confusion"])) == result["n"]


def test_temperature_scaling_undoes_overconfidence():
    torch.manual_seed(0)
    labels = torch.randint(0, 2, (400,))
    logits = torch.randn(400, 2)
    logits[torch.arange(400), labels] += 1.0
    base = fit_temperature(logits, labels)
    overconfident = logits * 10
    t = fit_temperature(overconfident, labels)
    assert abs(t / base - 10) < 0.1
    nll = torch.nn.functional.cross_entropy
    assert nll(overconfident / t, labels) < nll(overconfident, labels)


def test_ece_of_perfect_calibration_is_small():
    conf = torch.full((1000,), 0.8)
    correct = torch.tensor([1] * 800 + [0] * 200)
    assert expected_calibration_error(conf, correct) < 1e-6
    assert abs(expected_calibration_error(conf, torch.ones(1000)) - 0.2) < 1e-6


def test_plots_are_png(trained):
    assert training_curve_png(trained.history).startswith(PNG)
    assert confusion_matrix_png([[5, 1], [2, 7]], ["negative", "positive"]).startswith(PNG)
    assert accuracy_throughput_png([("cnn", 5000.0, 0.85), ("vader", 900.0, 0.6)]).startswith(PNG)
