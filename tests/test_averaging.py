"""The weight average that models keep for scoring and sampling."""

from __future__ import annotations

import torch
from torch import nn

from zoo_core.runtime.averaging import move_average


def test_the_average_forgets_the_first_weights_quickly_then_moves_slowly() -> None:
    average, current = nn.Linear(1, 1, bias=False), nn.Linear(1, 1, bias=False)
    average.requires_grad_(False)
    with torch.no_grad():
        average.weight.fill_(0.0)
        current.weight.fill_(1.0)

    move_average(average, current, decay=0.99, step=0)  # ramp: decay 1/10
    early = average.weight.item()
    for step in range(10_000, 10_010):
        move_average(average, current, decay=0.99, step=step)

    assert abs(early - 0.9) < 1e-6
    assert abs(average.weight.item() - (1.0 - 0.1 * 0.99**10)) < 1e-5


def test_buffers_are_copied_not_averaged() -> None:
    average, current = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    with torch.no_grad():
        current.running_mean.fill_(5.0)

    move_average(average, current, decay=0.9, step=10_000)

    assert torch.equal(average.running_mean, current.running_mean)
