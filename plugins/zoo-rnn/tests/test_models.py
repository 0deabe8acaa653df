"""Every registered model builds, runs forward and back-propagates on the CPU."""

from __future__ import annotations

import pytest
import torch

from zoo_core.api import create_model
from zoo_core.registry import Registry

TEXT_INFO = {"vocab": list("abcdefgh"), "vocab_size": 8}
MUSIC_INFO = {"keys": 88, "key_frequency": [0.05] * 88}


def registered_models() -> list[str]:
    registry = Registry.from_plugins(load_entry_points=True, only={"zoo-rnn"})
    return [spec.id for spec in registry.find_models(plugin="zoo-rnn")]


def test_every_model_is_registered(load_plugins) -> None:
    found = {spec.id for spec in load_plugins("zoo-rnn").find_models()}
    assert found == {
        "rnn/char-rnn",
        "rnn/char-lstm",
        "rnn/char-gru",
        "rnn/music-lstm",
        "rnn/music-gru",
    }


@pytest.mark.parametrize("model_id", registered_models())
def test_smoke_forward_backward(load_plugins, model_id: str) -> None:
    registry = load_plugins("zoo-rnn")
    torch.manual_seed(0)
    is_text = registry.model(model_id).task == "text-generation"
    model = create_model(model_id, TEXT_INFO if is_text else MUSIC_INFO)
    if is_text:
        inputs = torch.randint(0, 8, (2, 5))
        expected = (2, 5, 8)
    else:
        inputs = (torch.rand(2, 5, 88) < 0.1).float()
        expected = (2, 5, 88)

    logits, hidden = model(inputs)
    logits.float().pow(2).mean().backward()

    assert logits.shape == expected
    assert hidden is not None
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    assert any(float(g.abs().sum()) > 0 for g in grads)


@pytest.mark.parametrize("model_id", registered_models())
def test_builds_without_data_info(load_plugins, model_id: str) -> None:
    load_plugins("zoo-rnn")
    assert sum(p.numel() for p in create_model(model_id).parameters()) > 0


def test_carried_state_continues_the_sequence(load_plugins) -> None:
    load_plugins("zoo-rnn")
    torch.manual_seed(0)
    model = create_model("rnn/char-gru", TEXT_INFO, hidden_size=16, layers=2).eval()
    tokens = torch.randint(0, 8, (3, 12))

    whole, _ = model(tokens)
    first, hidden = model(tokens[:, :7])
    second, _ = model(tokens[:, 7:], hidden)

    torch.testing.assert_close(torch.cat([first, second], dim=1), whole)


def test_music_output_starts_at_key_frequency(load_plugins) -> None:
    load_plugins("zoo-rnn")
    frequency = [0.5] * 88
    frequency[10] = 0.2
    model = create_model("rnn/music-gru", {"keys": 88, "key_frequency": frequency})
    bias = model.readout.bias.detach()
    assert float(torch.sigmoid(bias[10])) == pytest.approx(0.2, abs=1e-5)
    assert float(torch.sigmoid(bias[0])) == pytest.approx(0.5, abs=1e-5)


def _piano_roll_case() -> tuple[torch.nn.Module, torch.Tensor]:
    from zoo_rnn.networks import PianoRollModel

    model = PianoRollModel(88, "gru", hidden_size=16, layers=2, weight_dropout=0.5)
    return model, (torch.rand(2, 7, 88) < 0.1).float()


def _char_case() -> tuple[torch.nn.Module, torch.Tensor]:
    from zoo_rnn.networks import CharModel

    model = CharModel(30, "lstm", hidden_size=16, embedding_size=8, weight_dropout=0.5)
    return model, torch.randint(0, 30, (2, 7))


@pytest.mark.parametrize("case", [_piano_roll_case, _char_case])
def test_recurrent_weight_dropout_acts_in_training_only(case) -> None:
    torch.manual_seed(0)
    model, inputs = case()

    model.train()
    first, _ = model(inputs)
    second, _ = model(inputs)
    first.pow(2).mean().backward()
    model.eval()
    scored, _ = model(inputs)
    model.weight_dropout = 0.0
    unmasked, _ = model(inputs)

    assert not torch.allclose(first, second)  # a new mask for every batch
    assert torch.allclose(scored, unmasked)  # no mask when scoring
    assert float(model.core.weight_hh_l0.grad.abs().sum()) > 0


def test_the_weight_average_scores_and_the_current_weights_train() -> None:
    from zoo_rnn.networks import PianoRollModel

    torch.manual_seed(0)
    model = PianoRollModel(88, "gru", hidden_size=16, average_decay=0.5)
    inputs = (torch.rand(2, 7, 88) < 0.1).float()
    before = model.readout.bias.detach().clone()
    with torch.no_grad():
        model.readout.bias += 1.0

    model.update_average(step=10_000)  # past the ramp: decay 0.5

    assert torch.allclose(model.average["readout"].bias, before + 0.5)
    model.train()
    trained, _ = model(inputs)
    model.eval()
    scored, _ = model(inputs)
    assert torch.allclose(trained - scored, torch.full_like(trained, 0.5), atol=1e-5)
    assert not any(p.requires_grad for p in model.average.parameters())


def test_a_char_model_scores_with_its_averaged_embedding_core_and_readout() -> None:
    from zoo_rnn.networks import CharModel

    torch.manual_seed(0)
    model = CharModel(11, "lstm", hidden_size=8, layers=1, average_decay=0.5)
    tokens = torch.randint(0, 11, (2, 5))
    start = model.embedding.weight.detach().clone()
    with torch.no_grad():
        for name, weight in model.named_parameters():
            if not name.startswith("average."):
                weight.add_(0.2)

    model.update_average(step=10_000)  # past the ramp: decay 0.5
    averaged = CharModel(11, "lstm", hidden_size=8, layers=1)
    for name in ("embedding", "core", "readout"):
        getattr(averaged, name).load_state_dict(model.average[name].state_dict())

    assert torch.allclose(model.average["embedding"].weight, start + 0.1)
    model.eval()
    averaged.eval()
    assert torch.allclose(model(tokens)[0], averaged(tokens)[0])
    model.train()
    assert not torch.allclose(model(tokens)[0], averaged(tokens)[0])
