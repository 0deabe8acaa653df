"""The ``nll`` metrics on cases small enough to work out by hand."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from zoo_rnn.music_task import rolls_nll
from zoo_rnn.text_task import stream_nll


class AlternationModel(nn.Module):
    """Over the characters {0, 1}, says the next one differs with probability 0.9."""

    def forward(self, tokens: torch.Tensor, hidden=None):
        flip = nn.functional.one_hot(1 - tokens, 2).float()
        logits = torch.log(0.9 * flip + 0.1 * (1 - flip))
        return logits, hidden


class ConstantKeysModel(nn.Module):
    """Gives every step the same key logits, whatever it has heard."""

    def __init__(self, logits: list[float]) -> None:
        super().__init__()
        self.logits = torch.tensor(logits)

    def forward(self, frames: torch.Tensor, hidden=None):
        return self.logits.expand(*frames.shape[:2], -1), hidden


@pytest.mark.parametrize("length", [2, 3, 101, 1000])
def test_text_nll_counts_every_next_character_once(length: int) -> None:
    # 0101...: every next character differs from the current one, so each of the
    # length - 1 predictions costs -ln 0.9, whatever the lanes and padding.
    ids = torch.arange(length) % 2
    assert stream_nll(AlternationModel(), ids, "cpu") == pytest.approx(-math.log(0.9))


def test_text_nll_of_a_wrong_guess() -> None:
    # 0 0 1: the first prediction (0 after 0) is wrong (p = 0.1), the second right.
    ids = torch.tensor([0, 0, 1])
    expected = (-math.log(0.1) - math.log(0.9)) / 2
    assert stream_nll(AlternationModel(), ids, "cpu") == pytest.approx(expected)


def test_music_nll_sums_keys_and_averages_steps() -> None:
    # Two keys with p = 0.75 and 0.5 at every step. The first piece plays key 0
    # then key 1; the second plays both keys once. Three steps in all.
    model = ConstantKeysModel([math.log(3.0), 0.0])
    pieces = [torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([[1.0, 1.0]])]
    steps = [
        -math.log(0.75) - math.log(0.5),
        -math.log(0.25) - math.log(0.5),
        -math.log(0.75) - math.log(0.5),
    ]
    assert rolls_nll(model, pieces, "cpu") == pytest.approx(sum(steps) / 3)


def test_music_nll_of_silence_under_an_undecided_model() -> None:
    model = ConstantKeysModel([0.0] * 88)
    pieces = [torch.zeros(5, 88), torch.zeros(2, 88)]
    assert rolls_nll(model, pieces, "cpu", batch_size=1) == pytest.approx(
        88 * math.log(2.0)
    )


def test_music_nll_can_leave_out_first_steps() -> None:
    model = ConstantKeysModel([math.log(3.0), 0.0])
    pieces = [torch.tensor([[0.0, 0.0], [1.0, 0.0]])]
    expected = -math.log(0.75) - math.log(0.5)
    assert rolls_nll(model, pieces, "cpu", skip_first=True) == pytest.approx(expected)
