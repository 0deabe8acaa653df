"""MIDI files to and from piano rolls."""

from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import pytest

from zoo_core.errors import DataError, DatasetMissingError
from zoo_core.formats import (
    read_jsb_chorales,
    read_midi_piano_roll,
    scan_midi_folder,
    write_midi,
)


def random_roll(steps: int, seed: int) -> np.ndarray:
    roll = np.random.default_rng(seed).random((steps, 88)) < 0.06
    roll[0] = False  # a leading rest
    roll[-2:] = False  # trailing rests
    return roll


@pytest.mark.parametrize("steps_per_quarter", [1, 2, 4])
def test_a_roll_survives_a_round_trip(tmp_path: Path, steps_per_quarter: int) -> None:
    roll = random_roll(40, seed=steps_per_quarter)

    path = write_midi(roll, tmp_path / "a.mid", steps_per_quarter=steps_per_quarter)

    assert np.array_equal(
        read_midi_piano_roll(path, steps_per_quarter=steps_per_quarter), roll
    )


def test_a_real_chorale_survives_a_round_trip(
    shared_data: Path, tmp_path: Path
) -> None:
    rolls = read_jsb_chorales(shared_data / "jsb-chorales" / "jsb_chorales.json")
    chorale = rolls["test"][0]

    write_midi(chorale, tmp_path / "c.mid", tempo_bpm=90, program=19)

    assert np.array_equal(read_midi_piano_roll(tmp_path / "c.mid", 1), chorale)


def test_the_file_is_type_1_with_tempo_and_program(tmp_path: Path) -> None:
    roll = np.zeros((4, 88), bool)
    roll[1:3, 39] = True  # middle C for two beats

    write_midi(roll, tmp_path / "a.mid", tempo_bpm=120, velocity=64, program=5)
    midi = mido.MidiFile(tmp_path / "a.mid")

    assert midi.type == 1 and len(midi.tracks) == 2
    tempos = [m.tempo for m in midi.tracks[0] if m.type == "set_tempo"]
    assert tempos == [500_000]
    notes = [m for m in midi.tracks[1] if m.type in ("note_on", "note_off")]
    assert [(m.type, m.note, m.velocity) for m in notes] == [
        ("note_on", 60, 64),
        ("note_off", 60, 64),
    ]
    assert [m.program for m in midi.tracks[1] if m.type == "program_change"] == [5]
    assert midi.length == pytest.approx(2.0)


def test_quantises_notes_from_every_track(tmp_path: Path) -> None:
    midi = mido.MidiFile(type=1, ticks_per_beat=96)
    first, second = mido.MidiTrack(), mido.MidiTrack()
    # Off the grid by a few ticks: rounds to steps 1..3 at 4 steps per quarter.
    first.extend(
        [
            mido.Message("note_on", note=60, velocity=90, time=22),
            mido.Message("note_on", note=60, velocity=0, time=50),
        ]
    )
    second.extend(
        [
            mido.Message("note_on", note=21, velocity=90, time=0),
            mido.Message("note_off", note=21, velocity=0, time=5),
            mido.Message("note_on", note=40, velocity=90, channel=9, time=0),
            mido.Message("note_off", note=40, velocity=0, channel=9, time=200),
        ]
    )
    midi.tracks.extend([first, second])
    midi.save(tmp_path / "q.mid")

    roll = read_midi_piano_roll(tmp_path / "q.mid", steps_per_quarter=4)
    with_drums = read_midi_piano_roll(tmp_path / "q.mid", 4, include_drums=True)

    assert np.flatnonzero(roll[:, 60 - 21]).tolist() == [1, 2]
    assert np.flatnonzero(roll[:, 0]).tolist() == [0]  # shorter than a step: one step
    assert not roll[:, 40 - 21].any()
    # Ticks 5..205 at 24 ticks per step round to steps 0..9.
    assert np.flatnonzero(with_drums[:, 40 - 21]).tolist() == list(range(9))


def test_notes_outside_the_piano(tmp_path: Path) -> None:
    midi = mido.MidiFile(type=0, ticks_per_beat=4)
    track = mido.MidiTrack()
    track.extend(
        [
            mido.Message("note_on", note=10, velocity=90, time=8),
            mido.Message("note_off", note=10, time=4),
            mido.Message("note_on", note=60, velocity=90, time=0),
            mido.Message("note_off", note=60, time=4),
        ]
    )
    midi.tracks.append(track)
    midi.save(tmp_path / "low.mid")

    with pytest.raises(DataError, match=r"track 0, tick 8: note 10 is outside"):
        read_midi_piano_roll(tmp_path / "low.mid", 1)
    roll = read_midi_piano_roll(tmp_path / "low.mid", 1, out_of_range="drop")
    assert np.flatnonzero(roll.any(axis=1)).tolist() == [3]


@pytest.mark.parametrize(
    "content",
    [b"", b"MThd garbage", b"RIFF0000WAVEfmt ", b"MThd\x00\x00\x00\x06\x00\x01"],
)
def test_a_broken_file_is_a_data_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.mid").write_bytes(content)

    with pytest.raises(DataError, match=r"bad\.mid"):
        read_midi_piano_roll(tmp_path / "bad.mid")


def test_a_truncated_file_is_a_data_error(tmp_path: Path) -> None:
    write_midi(random_roll(30, seed=0), tmp_path / "a.mid")
    data = (tmp_path / "a.mid").read_bytes()

    # Every cut either still holds readable notes or is a DataError, never
    # another exception escaping from mido.
    outcomes = set()
    for cut in range(1, len(data), 7):
        (tmp_path / "cut.mid").write_bytes(data[:cut])
        try:
            read_midi_piano_roll(tmp_path / "cut.mid", 1)
            outcomes.add("read")
        except DataError:
            outcomes.add("error")
    assert "error" in outcomes


def test_a_file_without_notes(tmp_path: Path) -> None:
    midi = mido.MidiFile()
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000)]))
    midi.save(tmp_path / "empty.mid")

    with pytest.raises(DataError, match="has no notes on the piano"):
        read_midi_piano_roll(tmp_path / "empty.mid")


def test_write_rejects_a_bad_roll(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"shape \(time steps, 88\)"):
        write_midi(np.zeros((4, 12), bool), tmp_path / "a.mid")
    with pytest.raises(ValueError, match="only 0/1"):
        write_midi(np.full((4, 88), 2), tmp_path / "a.mid")


def test_scan_midi_folder(tmp_path: Path) -> None:
    roll = random_roll(8, seed=0)
    write_midi(roll, tmp_path / "b" / "x.MID")
    write_midi(roll, tmp_path / "a.midi")
    (tmp_path / "notes.txt").write_text("no")

    found = scan_midi_folder(tmp_path)

    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.midi", "b/x.MID"]
    with pytest.raises(DataError, match="holds no MIDI files"):
        scan_midi_folder(_empty(tmp_path))
    with pytest.raises(DatasetMissingError):
        scan_midi_folder(tmp_path / "none")


def _empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder
