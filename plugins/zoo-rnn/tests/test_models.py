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
    grads = [p.grad for p in model.parameters()]
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
