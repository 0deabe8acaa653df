"""JSB Chorales piano rolls from the JSON of the polyphonic-music benchmark.

The file is one JSON object mapping split names to lists of chorales. A chorale
is a list of time steps (quarter notes) and a time step is a list of the MIDI
note numbers sounding then (``[]`` is a rest). Rolls use the 88 piano keys:
column 0 is MIDI note 21 (A0), column 87 is note 108 (C8).
"""

from __future__ import annotations

import json

import numpy as np

from ..errors import DataError
from ._files import PathLike, decode_strict, read_bytes

__all__ = ["LOWEST_NOTE", "PIANO_KEYS", "read_jsb_chorales"]

LOWEST_NOTE = 21
PIANO_KEYS = 88

# Names the split keys go by in the copies in circulation, mapped to ours.
_SPLIT_NAMES = {
    "train": "train",
    "valid": "valid",
    "validation": "valid",
    "val": "valid",
    "test": "test",
}


def read_jsb_chorales(path: PathLike) -> dict[str, list[np.ndarray]]:
    """Read the chorales JSON into piano rolls.

    Returns:
        ``{"train": [...], "valid": [...], "test": [...]}``; each roll is a bool
        array of shape (time steps, 88), chorales in file order.

    Raises:
        DatasetMissingError: the file does not exist.
        DataError: invalid JSON, a missing split, a chorale that is not a list of
            lists of ints, or a note outside 21..108 (naming split, chorale index
            and time step, all 0-based).
    """
    text = decode_strict(read_bytes(path, "JSB Chorales JSON"), "utf-8", path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}, line {exc.lineno}: invalid JSON ({exc.msg}); expected "
            '{"train": [...], "valid": [...], "test": [...]}'
        ) from None
    if not isinstance(document, dict):
        raise DataError(
            f"{path}: expected a JSON object of splits, found {_kind(document)}"
        )

    splits: dict[str, list[np.ndarray]] = {}
    for key, chorales in document.items():
        name = _SPLIT_NAMES.get(key)
        if name is None:
            raise DataError(
                f"{path}: unknown split {key!r}; expected train, valid (or "
                "validation) and test"
            )
        if name in splits:
            raise DataError(f"{path}: split {name!r} appears twice (as {key!r})")
        splits[name] = _rolls(chorales, f"{path}, split {key!r}")

    missing = [name for name in ("train", "valid", "test") if name not in splits]
    if missing:
        raise DataError(
            f"{path}: no {', '.join(missing)} split; expected train, valid, test"
        )
    return {name: splits[name] for name in ("train", "valid", "test")}


def _rolls(chorales: object, where: str) -> list[np.ndarray]:
    if not isinstance(chorales, list) or not chorales:
        raise DataError(
            f"{where}: expected a non-empty list of chorales, found {_kind(chorales)}"
        )
    return [
        _roll(chorale, f"{where}, chorale {i}") for i, chorale in enumerate(chorales)
    ]


def _roll(chorale: object, where: str) -> np.ndarray:
    if not isinstance(chorale, list) or not chorale:
        raise DataError(
            f"{where}: expected a non-empty list of time steps, found {_kind(chorale)}"
        )

    roll = np.zeros((len(chorale), PIANO_KEYS), dtype=bool)
    for step, notes in enumerate(chorale):
        if not isinstance(notes, list):
            raise DataError(
                f"{where}, time step {step}: expected a list of MIDI notes, "
                f"found {_kind(notes)}"
            )
        for note in notes:
            if isinstance(note, bool) or not isinstance(note, int):
                raise DataError(
                    f"{where}, time step {step}: expected integer MIDI notes, "
                    f"found {note!r}"
                )
            if not LOWEST_NOTE <= note < LOWEST_NOTE + PIANO_KEYS:
                raise DataError(
                    f"{where}, time step {step}: note {note} is outside the piano "
                    f"range; expected MIDI notes {LOWEST_NOTE} to "
                    f"{LOWEST_NOTE + PIANO_KEYS - 1}"
                )
            roll[step, note - LOWEST_NOTE] = True
    return roll


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an empty list" if not value else "a list"
    return type(value).__name__ if value is not None else "null"
