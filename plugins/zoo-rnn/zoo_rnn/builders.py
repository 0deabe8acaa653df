"""Model builders named by the plugin's specs: ``build(hparams, info) -> Module``.

Each works with ``info={}`` (the defaults below apply) so ``zoo_core.create_model``
can build a model without loading data.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from .cache import CachedCharModel
from .ensemble import CharEnsemble
from .networks import CharModel, PianoRollModel

__all__ = [
    "build_char_gru",
    "build_char_lstm",
    "build_char_rnn",
    "build_music_gru",
    "build_music_lstm",
]

#: vocabulary assumed when a model is built without data: the ASCII code points
DEFAULT_VOCAB_SIZE = 128
DEFAULT_KEYS = 88


def build_char_rnn(
    hparams: dict[str, Any], info: dict[str, Any]
) -> CharModel | CharEnsemble | CachedCharModel:
    """The plain tanh recurrence ``h_t = tanh(W x_t + U h_{t-1} + b)``."""
    return _char_model("tanh", hparams, info)


def build_char_lstm(
    hparams: dict[str, Any], info: dict[str, Any]
) -> CharModel | CharEnsemble | CachedCharModel:
    return _char_model("lstm", hparams, info)


def build_char_gru(
    hparams: dict[str, Any], info: dict[str, Any]
) -> CharModel | CharEnsemble | CachedCharModel:
    return _char_model("gru", hparams, info)


def build_music_lstm(hparams: dict[str, Any], info: dict[str, Any]) -> PianoRollModel:
    return _music_model("lstm", hparams, info)


def build_music_gru(hparams: dict[str, Any], info: dict[str, Any]) -> PianoRollModel:
    return _music_model("gru", hparams, info)


def _char_model(
    cell: str, hparams: dict[str, Any], info: dict[str, Any]
) -> CharModel | CharEnsemble | CachedCharModel:
    vocab = info.get("vocab")
    vocab_size = (
        len(vocab) if vocab else int(info.get("vocab_size", DEFAULT_VOCAB_SIZE))
    )

    def member() -> CharModel:
        return CharModel(
            vocab_size,
            cell=cell,
            hidden_size=int(hparams.get("hidden_size", 384)),
            layers=int(hparams.get("layers", 2)),
            embedding_size=int(hparams.get("embedding_size", 64)),
            dropout=float(hparams.get("dropout") or 0.0),
            weight_dropout=float(hparams.get("weight_dropout") or 0.0),
            average_decay=float(hparams.get("average_decay") or 0.0),
        )

    members = int(hparams.get("members") or 1)
    network = (
        member() if members == 1 else CharEnsemble([member() for _ in range(members)])
    )
    window = int(hparams.get("cache_window") or 0)
    return CachedCharModel(network, window) if window > 0 else network


def _music_model(
    cell: str, hparams: dict[str, Any], info: dict[str, Any]
) -> PianoRollModel:
    keys = int(info.get("keys", DEFAULT_KEYS))
    model = PianoRollModel(
        keys,
        cell=cell,
        hidden_size=int(hparams.get("hidden_size", 256)),
        layers=int(hparams.get("layers", 2)),
        dropout=float(hparams.get("dropout") or 0.0),
        input_dropout=float(hparams.get("input_dropout") or 0.0),
        weight_dropout=float(hparams.get("weight_dropout") or 0.0),
        average_decay=float(hparams.get("average_decay") or 0.0),
    )
    frequency = info.get("key_frequency")
    if frequency and len(frequency) == keys:
        _start_at_frequency(model.readout.bias, frequency)
        if model.average is not None:
            _start_at_frequency(model.average["readout"].bias, frequency)
    return model


def _start_at_frequency(bias: torch.Tensor, frequency: list[float]) -> None:
    """Set output biases to the log-odds of each key's training frequency, so the
    untrained model already predicts how often each key sounds."""
    with torch.no_grad():
        for key, rate in enumerate(frequency):
            rate = min(max(float(rate), 1e-4), 1.0 - 1e-4)
            bias[key] = math.log(rate / (1.0 - rate))
