import pytest
import torch

from sentirec.sentiment.architectures import ARCHITECTURES, build_model

from .conftest import SMALL_HPARAMS


@pytest.fixture(params=sorted(ARCHITECTURES))
def model(request):
    torch.manual_seed(0)
    return build_model(request.param, 30, {"embed_dim": 8, **SMALL_HPARAMS[request.param]}).eval()


def _batch():
    ids = torch.tensor([[5, 6, 7, 8, 0, 0], [9, 3, 0, 0, 0, 0], [4, 4, 4, 4, 4, 4]])
    return ids, (ids != 0).sum(1)


def test_registry_has_the_five_architectures():
    assert set(ARCHITECTURES) == {"mlp", "cnn", "lstm", "rnn", "seqcnn"}


def test_logits_shape_and_padding_does_not_change_result(model):
    ids, lengths = _batch()
    logits = model(ids, lengths)
    assert logits.shape == (3, 2)
    wider = torch.cat([ids, torch.zeros(3, 4, dtype=torch.long)], 1)
    torch.testing.assert_close(model(wider, lengths), logits, atol=1e-5, rtol=1e-5)


def test_token_weights_are_a_distribution_over_real_tokens(model):
    ids, lengths = _batch()
    logits, weights = model.token_weights(ids, lengths)
    torch.testing.assert_close(logits, model(ids, lengths), atol=1e-5, rtol=1e-5)
    assert weights.shape == ids.shape
    assert torch.all(weights[ids == 0] == 0)
    torch.testing.assert_close(weights.sum(1), torch.ones(3), atol=1e-4, rtol=1e-4)


def test_ensemble_averages_member_logits():
    members = [
        {"arch": "mlp", "hparams": {"embed_dim": 8}},
        {"arch": "cnn", "hparams": {"embed_dim": 8}},
    ]
    model = build_model("ensemble", 30, {"members": members}).eval()
    ids, lengths = _batch()
    expected = (model.members[0](ids, lengths) + model.members[1](ids, lengths)) / 2
    torch.testing.assert_close(model(ids, lengths), expected)
    assert model.token_weights(ids, lengths)[1].shape == ids.shape


def test_unknown_architecture_and_bad_cell():
    with pytest.raises(ValueError, match="unknown architecture 'transformer'"):
        build_model("transformer", 10, {})
    with pytest.raises(ValueError, match="cell"):
        build_model("rnn", 10, {"cell": "lstm"})
    assert build_model("rnn", 10, {"cell": "elman"}) is not None
