"""Standard MIDI files to and from 88-key piano rolls, with the ``mido`` package.

A piano roll is a bool array of shape (time steps, 88): column 0 is MIDI note 21
(A0). Time is measured in beats, not seconds, so tempo changes do not move notes
off the grid. A roll cannot tell a held note from the same note struck again on
the next step: rolls written here hold such notes, and reading merges them.

``mido`` is imported only when a function needs it, so this module loads without
it; the error then says how to install it.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import numpy as np

from ..errors import DataError, DatasetMissingError
from ._files import PathLike, require_file

__all__ = ["read_midi_piano_roll", "scan_midi_folder", "write_midi"]

LOWEST_NOTE = 21
PIANO_KEYS = 88
DRUM_CHANNEL = 9
_TICKS_PER_STEP = 120
_MIDI_SUFFIXES = {".mid", ".midi"}


def read_midi_piano_roll(
    path: PathLike,
    steps_per_quarter: int = 4,
    *,
    include_drums: bool = False,
    out_of_range: str = "error",
) -> np.ndarray:
    """Quantise the notes of every track of a MIDI file onto a piano roll.

    A note starts at its note-on time rounded to the nearest step and sounds up
    to its note-off time, rounded the same way, and for at least one step. The
    roll lasts until the last note ends or the longest track ends, whichever is
    later, so trailing rests written by :func:`write_midi` survive a round trip.

    Args:
        path: a standard MIDI file (type 0 or 1).
        steps_per_quarter: grid steps per quarter-note beat.
        include_drums: whether notes on channel 10 (General MIDI percussion) count;
            they are not pitches, so by default they are left out.
        out_of_range: ``"error"`` to reject notes outside the 88 keys (21..108),
            ``"drop"`` to leave them out.

    Raises:
        DatasetMissingError: the file does not exist.
        DataError: the file is not a readable MIDI file, uses SMPTE timing, has no
            notes, or (with ``out_of_range="error"``) a note outside the piano.
    """
    if steps_per_quarter < 1:
        raise ValueError(f"steps_per_quarter must be >= 1, not {steps_per_quarter}")
    if out_of_range not in ("error", "drop"):
        raise ValueError(
            f"out_of_range must be 'error' or 'drop', not {out_of_range!r}"
        )
    midi = _open_midi(path)

    def to_step(tick: int) -> int:
        # Round half up in integer arithmetic, so the grid never depends on floats.
        return (2 * tick * steps_per_quarter + midi.ticks_per_beat) // (
            2 * midi.ticks_per_beat
        )

    notes: list[tuple[int, int, int]] = []
    last_step = 0
    for track_index, track in enumerate(midi.tracks):
        tick = 0
        sounding: dict[tuple[int, int], int] = {}
        for message in track:
            tick += message.time
            if message.type not in ("note_on", "note_off"):
                continue
            if message.channel == DRUM_CHANNEL and not include_drums:
                continue
            if not LOWEST_NOTE <= message.note < LOWEST_NOTE + PIANO_KEYS:
                if out_of_range == "drop":
                    continue
                raise DataError(
                    f"{path}, track {track_index}, tick {tick}: note {message.note} "
                    f"is outside the piano range {LOWEST_NOTE}..."
                    f"{LOWEST_NOTE + PIANO_KEYS - 1}; pass out_of_range='drop' "
                    "to leave such notes out"
                )

            key = (message.channel, message.note)
            if key in sounding:
                # A note-off, or the same key struck again: either ends the note.
                start = sounding.pop(key)
                notes.append((message.note, start, max(to_step(tick), start + 1)))
            if message.type == "note_on" and message.velocity > 0:
                sounding[key] = to_step(tick)

        for (_, note), start in sounding.items():
            # Notes never released sound until the track ends.
            notes.append((note, start, max(to_step(tick), start + 1)))
        last_step = max(last_step, to_step(tick))

    if not notes:
        raise DataError(f"{path} has no notes on the piano; expected at least one note")
    length = max(last_step, max(end for _, _, end in notes))
    roll = np.zeros((length, PIANO_KEYS), dtype=bool)
    for note, start, end in notes:
        roll[start:end, note - LOWEST_NOTE] = True
    return roll


def write_midi(
    roll: np.ndarray,
    path: PathLike,
    *,
    steps_per_quarter: int = 1,
    tempo_bpm: float = 100,
    velocity: int = 80,
    program: int = 0,
) -> Path:
    """Write a piano roll as a type-1 standard MIDI file.

    Track 0 holds the tempo; track 1 holds the notes on channel 1 with the given
    General MIDI program (0 is the acoustic grand piano). Consecutive active
    steps of a key become one held note. Reading the file back with the same
    ``steps_per_quarter`` gives the same roll.

    Args:
        roll: bool (or 0/1) array of shape (time steps, 88).
        path: where to write; parent folders are created.
        steps_per_quarter: roll steps per quarter-note beat.
        tempo_bpm: quarter notes per minute.
        velocity: loudness of every note, 1 to 127.
        program: General MIDI instrument, 0 to 127.

    Returns:
        The path written.
    """
    mido = _mido()
    roll = _checked_roll(roll)
    if not 1 <= steps_per_quarter <= 32767 // _TICKS_PER_STEP:
        raise ValueError(f"steps_per_quarter must be 1 to 273, not {steps_per_quarter}")
    if not 1 <= velocity <= 127 or not 0 <= program <= 127 or tempo_bpm <= 0:
        raise ValueError(
            "velocity must be 1..127, program 0..127 and tempo_bpm positive; got "
            f"{velocity}, {program}, {tempo_bpm}"
        )

    midi = mido.MidiFile(type=1, ticks_per_beat=steps_per_quarter * _TICKS_PER_STEP)
    tempo = mido.MidiTrack()
    tempo.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_bpm), time=0))
    tempo.append(mido.MetaMessage("end_of_track", time=0))
    notes = mido.MidiTrack()
    notes.append(mido.Message("program_change", program=program, time=0))

    tick = 0
    for step, is_on, key in _transitions(roll):
        kind = "note_on" if is_on else "note_off"
        delta = step * _TICKS_PER_STEP - tick
        notes.append(
            mido.Message(kind, note=key + LOWEST_NOTE, velocity=velocity, time=delta)
        )
        tick += delta
    notes.append(
        mido.MetaMessage("end_of_track", time=len(roll) * _TICKS_PER_STEP - tick)
    )
    midi.tracks.extend([tempo, notes])

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(path)
    return path


def scan_midi_folder(root: PathLike) -> list[Path]:
    """Every ``.mid``/``.midi`` file under ``root``, recursively, in sorted order.

    Raises:
        DatasetMissingError: ``root`` does not exist.
        DataError: ``root`` is not a folder, or holds no MIDI file.
    """
    root = Path(root)
    if not root.exists():
        raise DatasetMissingError(
            f"{root} does not exist; expected a folder of MIDI files"
        )
    if not root.is_dir():
        raise DataError(f"{root} is not a folder; expected a folder of MIDI files")

    found = []
    for directory, _, files in os.walk(root, followlinks=True):
        found.extend(
            Path(directory, name)
            for name in files
            if Path(name).suffix.lower() in _MIDI_SUFFIXES
        )
    if not found:
        raise DataError(
            f"{root} holds no MIDI files; expected files ending in .mid or .midi"
        )
    return sorted(found)


def _transitions(roll: np.ndarray) -> list[tuple[int, bool, int]]:
    """(step, is note-on, key) for every key change, note-offs first at a step."""
    padded = np.zeros((len(roll) + 2, PIANO_KEYS), dtype=np.int8)
    padded[1:-1] = roll
    change = np.diff(padded, axis=0)
    steps, keys = np.nonzero(change)
    events = [(int(s), bool(change[s, k] > 0), int(k)) for s, k in zip(steps, keys)]
    return sorted(events)


def _checked_roll(roll: np.ndarray) -> np.ndarray:
    array = np.asarray(roll)
    if array.ndim != 2 or array.shape[1] != PIANO_KEYS or len(array) == 0:
        raise ValueError(
            f"a piano roll must have shape (time steps, {PIANO_KEYS}) with at least "
            f"one step, not {array.shape}"
        )
    if array.dtype != bool and not np.isin(array, (0, 1)).all():
        raise ValueError("a piano roll must hold only 0/1 or True/False")
    return array.astype(bool)


def _open_midi(path: PathLike):  # -> mido.MidiFile
    mido = _mido()
    path = require_file(path, "a standard MIDI file")
    try:
        midi = mido.MidiFile(path)
    except (OSError, EOFError, ValueError, KeyError, IndexError) as exc:
        raise DataError(f"{path} is not a readable MIDI file ({exc})") from None

    if midi.type == 2:
        raise DataError(f"{path} is a type-2 MIDI file; expected type 0 or 1")
    if midi.ticks_per_beat <= 0:
        raise DataError(f"{path} uses SMPTE time; expected ticks per quarter note")
    return midi


def _mido() -> ModuleType:
    try:
        import mido
    except ImportError:
        raise DataError(
            "reading or writing MIDI needs the mido package; install it with "
            "`pip install mido`"
        ) from None
    return mido
