"""Polyphonic music as 88-key piano rolls: JSB Chorales and a folder of MIDI files.

A piece is a float tensor of shape (time steps, 88) holding 0 or 1; column 0 is
MIDI note 21 (A0). Pieces are separate sequences, batched by padding.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from zoo_core.data import DataBundle, LoadContext
from zoo_core.data.splits import random_split
from zoo_core.errors import ConfigError
from zoo_core.formats import read_jsb_chorales, read_midi_piano_roll, scan_midi_folder

__all__ = [
    "KEYS",
    "LOWEST_NOTE",
    "PianoRolls",
    "load_jsb_chorales",
    "load_midi_folder",
    "music_info",
]

logger = logging.getLogger(__name__)

KEYS = 88
LOWEST_NOTE = 21


class PianoRolls(Dataset):
    """A list of pieces, each a ``(time steps, 88)`` float tensor of 0/1."""

    def __init__(self, rolls: list[np.ndarray] | list[torch.Tensor]) -> None:
        self.rolls = [
            torch.as_tensor(np.asarray(roll), dtype=torch.float32) for roll in rolls
        ]

    def __len__(self) -> int:
        return len(self.rolls)

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.rolls[index]

    @property
    def num_steps(self) -> int:
        return sum(len(roll) for roll in self.rolls)


def music_info(train: PianoRolls, steps_per_quarter: int) -> dict[str, object]:
    """Facts a music model is built and used from, all JSON-ready.

    ``key_frequency`` (how often each key sounds in training) lets the model start
    its output biases at the right rate instead of at one half.
    """
    frequency = torch.cat(train.rolls).mean(dim=0)
    return {
        "keys": KEYS,
        "lowest_note": LOWEST_NOTE,
        "steps_per_quarter": steps_per_quarter,
        "key_frequency": [round(float(f), 6) for f in frequency],
    }


def load_jsb_chorales(ctx: LoadContext) -> DataBundle:
    """JSB Chorales at one step per quarter note, split as in the file (229/76/77)."""
    splits = read_jsb_chorales(ctx.path("jsb_chorales.json"))
    rolls = {name: PianoRolls(pieces) for name, pieces in splits.items()}
    return DataBundle(splits=rolls, info=music_info(rolls["train"], 1))


def load_midi_folder(ctx: LoadContext) -> DataBundle:
    """Every MIDI file under option ``path``, quantised and split by file.

    Files are shuffled with the run's seed and divided by ``valid_fraction`` and
    ``test_fraction``; a split that gets no file is left out (with a warning), so
    a folder of one or two files trains without validation. Pieces longer than
    ``max_steps`` are cut into consecutive segments after splitting, so no piece
    straddles two splits.
    """
    if not ctx.options.get("path"):
        raise ConfigError(
            "dataset midi-folder needs a folder: pass --set data.path=YOUR_FOLDER"
        )
    files = scan_midi_folder(Path(ctx.options["path"]).expanduser())
    steps_per_quarter = int(ctx.options["steps_per_quarter"])
    pieces = [
        read_midi_piano_roll(path, steps_per_quarter, out_of_range="drop")
        for path in files
    ]

    valid = float(ctx.options["valid_fraction"])
    test = float(ctx.options["test_fraction"])
    if valid + test >= 1.0:
        raise ConfigError(
            f"midi-folder: valid_fraction {valid} and test_fraction {test} leave no "
            "files to train on; keep their sum below 1"
        )
    parts = random_split(len(pieces), (1.0 - valid - test, valid, test), ctx.seed)
    max_steps = int(ctx.options["max_steps"])
    splits: dict[str, PianoRolls] = {}
    for name, indices in zip(("train", "valid", "test"), parts):
        if len(indices) == 0:
            logger.warning(
                "midi-folder: %d files leave the %s split empty; it is left out",
                len(pieces),
                name,
            )
            continue
        segments = [seg for i in indices for seg in _segments(pieces[i], max_steps)]
        splits[name] = PianoRolls(segments)
    return DataBundle(
        splits=splits, info=music_info(splits["train"], steps_per_quarter)
    )


def _segments(roll: np.ndarray, max_steps: int) -> list[np.ndarray]:
    """``roll`` cut into consecutive pieces of at most ``max_steps`` steps."""
    if max_steps <= 0 or len(roll) <= max_steps:
        return [roll]
    return [roll[start : start + max_steps] for start in range(0, len(roll), max_steps)]
