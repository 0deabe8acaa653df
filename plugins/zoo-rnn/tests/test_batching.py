"""Stream chunks stay contiguous; piano rolls pad and shift as documented."""

from __future__ import annotations

import time

import torch
from zoo_rnn.batching import StreamLanes, pad_rolls, padded_lanes
from zoo_rnn.music_task import RollBatcher
from zoo_rnn.text_data import CharStream
from zoo_rnn.text_task import TextGenerationProcedure

HPARAMS = {"batch_size": 3, "bptt": 4, "epochs": 1, "max_minutes": 0.0}


def test_lanes_are_read_in_order_and_shifted_by_one() -> None:
    ids = torch.arange(40)
    lanes = StreamLanes(ids, rows=3)

    chunks = list(lanes.chunks(bptt=5))
    inputs = torch.cat([x for x, _ in chunks], dim=1)
    targets = torch.cat([y for _, y in chunks], dim=1)

    assert lanes.length == 13 and len(chunks) == 3
    assert inputs[1].tolist() == list(range(13, 26))
    torch.testing.assert_close(targets, inputs + 1)


def test_padded_lanes_cover_every_prediction() -> None:
    ids = torch.arange(11)
    inputs, targets, mask = padded_lanes(ids, rows=4)

    assert inputs.shape == (4, 3)
    real = mask.bool()
    assert sorted(inputs[real].tolist()) == list(range(10))
    torch.testing.assert_close(targets[real], inputs[real] + 1)


def test_procedure_yields_consecutive_chunks_of_each_lane() -> None:
    torch.manual_seed(0)
    procedure = TextGenerationProcedure()
    stream = CharStream(torch.arange(100))

    chunks = list(procedure.train_batches(stream, HPARAMS, None, {}))

    for before, after in zip(chunks, chunks[1:]):
        assert torch.equal(after[0][:, 0], before[0][:, -1] + 1)
    assert all(x.shape[0] == 3 for x, _ in chunks)


def test_time_budget_ends_an_epoch_and_the_next_continues() -> None:
    torch.manual_seed(0)
    procedure = TextGenerationProcedure()
    stream = CharStream(torch.arange(10_000))
    budget = dict(HPARAMS, max_minutes=0.001, epochs=2)  # 30 ms per epoch

    first_epoch = []
    for chunk in procedure.train_batches(stream, budget, None, {}):
        first_epoch.append(chunk)
        time.sleep(0.005)
    second_epoch = procedure.train_batches(stream, budget, None, {})
    follower = next(iter(second_epoch))

    assert 1 <= len(first_epoch) < 100
    assert torch.equal(follower[0][:, 0], first_epoch[-1][0][:, -1] + 1)


def test_pad_rolls_predicts_each_step_from_the_one_before() -> None:
    short = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    long = torch.tensor([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])

    inputs, targets, mask = pad_rolls([short, long])

    assert mask.tolist() == [[1, 1, 0], [1, 1, 1]]
    torch.testing.assert_close(targets[1], long)
    assert inputs[1].tolist() == [[0, 0], [1, 1], [0, 0]]
    assert inputs[0, 1].tolist() == [1, 0]


def test_transposition_keeps_notes_on_the_keyboard() -> None:
    torch.manual_seed(0)
    roll = torch.zeros(4, 88)
    roll[:, 0] = 1.0
    roll[:, 85] = 1.0
    batcher = RollBatcher(max_shift=6)

    for _ in range(20):
        _, targets, _ = batcher([roll])
        keys = torch.nonzero(targets[0].any(dim=0)).flatten().tolist()
        assert len(keys) == 2 and keys[1] - keys[0] == 85
        assert 0 <= keys[0] and keys[1] <= 87
