"""Every registered architecture: shapes, token weights, masking, and the registry's names."""

import pytest
import torch
from torch import nn

from sentirec.sentiment.architectures import ARCHITECTURES, TextCNN, build_model
from sentirec.sentiment.training import TrainConfig

from .conftest import SMALL_HPARAMS


@pytest.fixture(params=sorted(ARCHITECTURES))
def model(request):
    torch.manual_seed(0)
    words = {} if request.param == "minilm" else {"embed_dim": 8}  # minilm: WordPiece sizes
    return build_model(request.param, 30, {**words, **SMALL_HPARAMS[request.param]}).eval()


def _batch():
    ids = torch.tensor([[5, 6, 7, 8, 0, 0], [9, 3, 0, 0, 0, 0], [4, 4, 4, 4, 4, 4]])
    return ids, (ids != 0).sum(1)


def test_registry_has_the_seven_architectures():
    assert set(ARCHITECTURES) == {"mlp", "cnn", "lstm", "gru", "seqcnn", "ngram", "minilm"}


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
        build_model("gru", 10, {"cell": "lstm"})
    assert isinstance(build_model("gru", 10, {"cell": "elman"}).rnn, nn.RNN)


def test_a_former_name_builds_and_trains_the_renamed_architecture():
    """``rnn`` was the GRU's name: bundles saved under it still load, configs still train."""
    assert isinstance(build_model("rnn", 10, {}).rnn, nn.GRU)
    assert TrainConfig(arch="rnn").arch == "gru"


def test_ngram_counts_each_distinct_feature_once():
    model = build_model("ngram", 30, {"embed_dim": 8, "buckets": 64, "ngrams": 3})
    ids = torch.tensor([[4, 4, 4, 4, 0], [5, 6, 5, 6, 7]])
    feats, weight = model.features(ids, (ids != 0).sum(1))
    # row 0: unigram "4", bigram "4 4", trigram "4 4 4"; row 1: 3 + 3 + 3 distinct n-grams
    assert (weight[0] > 0).sum() == 3 and (weight[1] > 0).sum() == 9
    torch.testing.assert_close((weight**2).sum(1), torch.ones(2))  # sqrt norm: unit length
    assert feats[0, 0] == 4 and feats[weight > 0].max() < model.table.num_embeddings


def test_ngram_token_weights_follow_the_ngram_weights():
    model = build_model("ngram", 30, {"embed_dim": 8, "buckets": 64, "dense": False}).eval()
    with torch.no_grad():
        model.table.weight[7] = torch.tensor([-2.0, 2.0])  # token 7 is strongly positive
    ids = torch.tensor([[5, 7, 6, 0]])
    logits, weights = model.token_weights(ids, torch.tensor([3]))
    assert logits.argmax(1).item() == 1
    assert weights[0].argmax().item() == 1 and weights[0, 3] == 0


def test_ngram_rejects_bad_settings():
    with pytest.raises(ValueError, match="order"):
        build_model("ngram", 10, {"ngrams": 4})
    with pytest.raises(ValueError, match="norm"):
        build_model("ngram", 10, {"norm": "l1"})
    with pytest.raises(ValueError, match="fit"):
        build_model("ngram", 10, {"fit": "svm"})


def test_ensemble_mix_weights_members_by_length():
    members = [
        {"arch": "mlp", "hparams": {"embed_dim": 8}},
        {"arch": "cnn", "hparams": {"embed_dim": 8}},
    ]
    mix = [[1.0, 0.0], [0.0, 1.0]]  # member 0 always, member 1 times log(length)
    model = build_model("ensemble", 30, {"members": members, "mix": mix}).eval()
    ids, lengths = _batch()
    a, b = model.members[0](ids, lengths), model.members[1](ids, lengths)
    expected = a + lengths.float().log().unsqueeze(1) * b
    torch.testing.assert_close(model(ids, lengths), expected)
    logits, weights = model.token_weights(ids, lengths)
    torch.testing.assert_close(logits, expected)
    torch.testing.assert_close(weights.sum(1), torch.ones(3), atol=1e-4, rtol=1e-4)
    with pytest.raises(ValueError, match="mix"):
        build_model("ensemble", 30, {"members": members, "mix": [[1.0, 0.0]]})


@pytest.mark.parametrize("widths", [(3, 4, 5), (2,), (1, 2, 3, 4, 5, 6)])
@pytest.mark.parametrize("length", [1, 2, 9])
def test_textcnn_features_are_its_convolutions_concatenated(widths, length):
    """One matrix product over stacked kernels gives what each Conv1d (even widths cut to
    the text's length) gives, so bundles trained either way score the same."""
    torch.manual_seed(0)
    model = TextCNN(50, 8, filters=5, widths=widths).eval()
    ids = torch.randint(1, 50, (3, length))
    x = model.embedding(ids)
    channels_first = x.transpose(1, 2)
    expected = torch.cat(
        [torch.relu(conv(channels_first))[:, :, :length] for conv in model.convs], 1
    ).transpose(1, 2)
    assert torch.allclose(model.features(x), expected, atol=1e-6)
