"""Reading the input shape and class count a model is built for from dataset info."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["InputShape", "input_shape"]


@dataclass(frozen=True)
class InputShape:
    """What a classifier is sized from: image channels, height, width and classes."""

    channels: int
    height: int
    width: int
    num_classes: int


def input_shape(info: dict[str, Any], default: InputShape) -> InputShape:
    """The shape ``info`` declares, each missing entry taken from ``default``.

    Builders are called with ``info={}`` by ``zoo_core.create_model``; the default
    then gives a model for the architecture's usual input.

    Raises:
        ValueError: an entry is not a positive integer (the message names it).
    """
    values = {}
    for name in ("channels", "height", "width", "num_classes"):
        value = info.get(name, getattr(default, name))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(
                f"info[{name!r}] must be a positive integer, not {value!r}"
            )
        values[name] = value
    return InputShape(**values)
