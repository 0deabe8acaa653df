"""Cutting data into batches: contiguous chunks of a stream, padded piano rolls.

A text stream is laid out as ``rows`` parallel lanes, each a contiguous stretch of
the corpus, and read left to right in chunks of ``bptt`` steps, so the hidden
state at the end of one chunk is the right start for the next chunk of the same
lane (truncated back-propagation through time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

__all__ = [
    "LaneShare",
    "StreamLanes",
    "pad_rolls",
    "padded_lanes",
    "reading_lanes",
    "transpose_roll",
]

#: the most lanes a stream is scored in; fixed so the figure does not depend on
#: the batch size. Each lane's first characters are predicted with little history:
#: on Tiny Shakespeare 8 lanes score within 0.001 nats of one lane (every
#: character with its whole history) and as fast as 32 lanes, which score 0.002
#: higher.
READING_LANES = 8
#: the fewest characters a scoring lane holds, so that a short text is read in
#: fewer lanes rather than in lanes too short to give history (or a cache) much
#: to work with
READING_LANE_CHARS = 4096


class StreamLanes:
    """A stream of indices cut into ``rows`` equal lanes of inputs and targets.

    Position ``j`` of a lane predicts the character after it, so inputs and
    targets are the same lane shifted by one. The tail that does not fill every
    lane is dropped (fewer than ``rows`` characters).

    Args:
        ids: 1-D tensor of indices.
        rows: lanes read side by side (the batch size).
        offset: characters skipped at the start, to vary chunk boundaries between
            passes.
    """

    def __init__(self, ids: torch.Tensor, rows: int, offset: int = 0) -> None:
        usable = ids.numel() - offset - 1
        length = usable // rows
        if length < 1:
            raise ValueError(
                f"{ids.numel()} characters cannot fill {rows} lanes; use a smaller "
                "batch size or a longer text"
            )
        span = rows * length
        self.inputs = ids[offset : offset + span].view(rows, length)
        self.targets = ids[offset + 1 : offset + 1 + span].view(rows, length)

    @property
    def length(self) -> int:
        return self.inputs.shape[1]

    def num_chunks(self, bptt: int) -> int:
        return -(-self.length // bptt)

    def chunk(self, index: int, bptt: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The ``index``-th ``(inputs, targets)`` pair, each ``(rows, <=bptt)``."""
        start = index * bptt
        return (
            self.inputs[:, start : start + bptt],
            self.targets[:, start : start + bptt],
        )

    def chunks(self, bptt: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for index in range(self.num_chunks(bptt)):
            yield self.chunk(index, bptt)


class LaneShare:
    """This process's share of a stream's lanes when several processes train.

    Under ``torchrun`` each of the ``processes`` reads its own ``rows`` lanes of a
    stream laid out in ``rows * processes`` lanes, and decisions that must be the
    same everywhere (where a pass starts, when a timed epoch ends) are taken by
    the first process. On one process it changes nothing.
    """

    def __init__(self) -> None:
        import torch.distributed as dist

        joined = dist.is_available() and dist.is_initialized()
        self.processes = dist.get_world_size() if joined else 1
        self.rank = dist.get_rank() if joined else 0

    def rows(self, rows: int) -> slice:
        """The lanes this process reads, when each reads ``rows``."""
        return slice(self.rank * rows, (self.rank + 1) * rows)

    def agree(self, value: float) -> float:
        """The first process's ``value``, on every process."""
        if self.processes == 1:
            return value
        import torch.distributed as dist

        shared = torch.tensor([value], dtype=torch.float64)
        dist.broadcast(shared, src=0)
        return float(shared.item())


def reading_lanes(characters: int) -> int:
    """How many lanes a stream of ``characters`` is scored in: up to
    :data:`READING_LANES`, each of at least :data:`READING_LANE_CHARS`."""
    return max(1, min(READING_LANES, characters // READING_LANE_CHARS))


def padded_lanes(ids: torch.Tensor, rows: int) -> tuple[torch.Tensor, ...]:
    """Every prediction of a stream laid out in ``rows`` lanes, padded, with a mask.

    Unlike :class:`StreamLanes` nothing is dropped: the ``len(ids) - 1``
    predictions are dealt into lanes of ``ceil((len(ids) - 1) / rows)`` steps and
    the last lanes are padded. Used to score a whole split.

    Returns:
        ``(inputs, targets, mask)``, each ``(rows, length)``; ``mask`` is 1.0
        where a real prediction is.
    """
    predictions = ids.numel() - 1
    rows = max(1, min(rows, predictions))
    length = -(-predictions // rows)
    inputs = torch.zeros(rows * length, dtype=ids.dtype)
    targets = torch.zeros(rows * length, dtype=ids.dtype)
    mask = torch.zeros(rows * length)
    inputs[:predictions] = ids[:-1]
    targets[:predictions] = ids[1:]
    mask[:predictions] = 1.0
    return (
        inputs.view(rows, length),
        targets.view(rows, length),
        mask.view(rows, length),
    )


def transpose_roll(roll: torch.Tensor, semitones: int) -> torch.Tensor:
    """``roll`` shifted up (or down) by ``semitones`` keys; the caller keeps notes
    inside the keyboard."""
    if semitones == 0:
        return roll
    return torch.roll(roll, semitones, dims=1)


def pad_rolls(
    rolls: Sequence[torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad pieces of different lengths into one batch for next-step prediction.

    The input at step ``t`` is the piece at ``t - 1``, with silence before the
    first step, so every step of every piece is predicted.

    Returns:
        ``(inputs, targets, mask)``: two ``(batch, longest, keys)`` tensors and a
        ``(batch, longest)`` mask that is 1.0 on real steps.
    """
    longest = max(len(roll) for roll in rolls)
    keys = rolls[0].shape[1]
    inputs = torch.zeros(len(rolls), longest, keys)
    targets = torch.zeros(len(rolls), longest, keys)
    mask = torch.zeros(len(rolls), longest)
    for row, roll in enumerate(rolls):
        steps = len(roll)
        targets[row, :steps] = roll
        inputs[row, 1:steps] = roll[:-1]
        mask[row, :steps] = 1.0
    return inputs, targets, mask
