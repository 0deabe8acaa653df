"""An exponential moving average of a module's weights, for models that sample or
score better from their averaged weights than from their last ones."""

from __future__ import annotations

from typing import Any

__all__ = ["move_average"]


def move_average(average: Any, current: Any, decay: float, step: int) -> None:
    """Move ``average``'s weights towards ``current``'s after an optimizer step.

    The decay ramps up over the first steps, ``min(decay, (1 + t) / (10 + t))``,
    so the random initial weights are forgotten quickly; buffers (batch-norm
    running statistics) are copied, not averaged. Both modules must have the same
    architecture.
    """
    import torch

    rate = min(decay, (1 + step) / (10 + step))
    with torch.no_grad():
        for mean, weight in zip(average.parameters(), current.parameters()):
            mean.lerp_(weight, 1.0 - rate)
        for kept, buffer in zip(average.buffers(), current.buffers()):
            kept.copy_(buffer)
