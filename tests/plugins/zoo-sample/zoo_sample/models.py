"""Model builders of the sample plugin, sized from the dataset's ``info``."""

from __future__ import annotations

from typing import Any

from torch import nn


def build_mlp(hparams: dict[str, Any], info: dict[str, Any]) -> nn.Module:
    """A perceptron from ``info["features"]`` inputs to ``info["num_classes"]``."""
    return nn.Sequential(
        nn.Linear(info.get("features", 2), hparams.get("hidden", 16)),
        nn.ReLU(),
        nn.Linear(hparams.get("hidden", 16), info.get("num_classes", 3)),
    )


def build_linear(hparams: dict[str, Any], info: dict[str, Any]) -> nn.Module:
    """One input, one output."""
    return nn.Linear(1, 1)
