"""Learning-rate schedules and a wall-clock budget for training.

The schedule is a function of *progress*, the share of training done, so the
same schedule serves a run that stops after a number of epochs and one that
stops when its time is up. The factor is applied to each optimizer group's base
learning rate at every step.
"""

from __future__ import annotations

import math
import time

__all__ = ["SCHEDULES", "TimeShare", "lr_factor", "set_learning_rate"]

SCHEDULES = ("constant", "cosine", "linear")
#: the largest share of an epoch's time that may be kept back for work after it
MAX_KEEP_BACK = 0.2


def lr_factor(
    progress: float, step: int, schedule: str, warmup_steps: int, final: float
) -> float:
    """The multiplier of the base learning rate at ``progress`` (0 to 1).

    Args:
        progress: share of training done.
        step: optimizer steps taken so far, for the warm-up.
        schedule: ``"constant"``, ``"cosine"`` or ``"linear"`` decay.
        warmup_steps: steps over which the rate rises linearly from near zero.
        final: the multiplier the decay ends at.
    """
    warmup = min(1.0, (step + 1) / warmup_steps) if warmup_steps > 0 else 1.0
    progress = min(max(progress, 0.0), 1.0)
    if schedule == "cosine":
        decay = final + (1.0 - final) * 0.5 * (1.0 + math.cos(math.pi * progress))
    elif schedule == "linear":
        decay = 1.0 - (1.0 - final) * progress
    else:
        decay = 1.0
    return warmup * decay


def set_learning_rate(optimizer: object, base_lr: float, factor: float) -> None:
    """Set every parameter group of ``optimizer`` to ``base_lr * factor``."""
    for group in optimizer.param_groups:  # type: ignore[attr-defined]
        group["lr"] = base_lr * factor


class TimeShare:
    """An even share of a wall-clock budget for each epoch.

    With ``max_minutes`` and ``epochs`` set, each epoch may train for
    ``max_minutes / epochs`` minutes; the clock starts when the epoch's first
    batch is requested. Validation after each epoch is not counted.

    Args:
        max_minutes: the whole budget; 0 or None means no limit.
        epochs: how many epochs share it.
    """

    def __init__(self, max_minutes: float | None, epochs: int) -> None:
        minutes = float(max_minutes or 0.0)
        self.seconds = minutes * 60.0 / max(epochs, 1) if minutes > 0 else None
        self.started: float | None = None
        self.keep_back = 0.0

    @property
    def limited(self) -> bool:
        return self.seconds is not None

    def start(self, keep_back: float = 0.0) -> None:
        """Start this epoch's clock, ending it ``keep_back`` seconds early (at most
        a fifth of the epoch's share) so that work after the last step still fits
        in the share."""
        self.started = time.monotonic()
        limit = MAX_KEEP_BACK * self.seconds if self.seconds is not None else 0.0
        self.keep_back = min(keep_back, limit)

    def used(self) -> float:
        """Share of this epoch's time already spent (0 to 1); 0 without a budget."""
        if self.seconds is None or self.started is None:
            return 0.0
        seconds = self.seconds - self.keep_back
        return min(1.0, (time.monotonic() - self.started) / seconds)

    def over(self) -> bool:
        return self.limited and self.used() >= 1.0
