"""Sampling from trained runs: text with a prime, MIDI files that read back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zoo_core.errors import ConfigError
from zoo_core.formats import read_midi_piano_roll, write_midi
from zoo_core.registry import Registry, use_registry
from zoo_core.runtime.run import LoadedRun
from zoo_core.tasks.base import GenerateRequest


@pytest.fixture
def open_run(trained_runs):
    registry = Registry.from_plugins(load_entry_points=True, only={"zoo-rnn"})

    def open_(name: str) -> LoadedRun:
        return LoadedRun.open(trained_runs[name], device="cpu")

    with use_registry(registry):
        yield open_


def test_text_continues_the_prime(open_run) -> None:
    run = open_run("text")
    request = GenerateRequest(num=200, prime="ROMEO:", temperature=0.8, seed=3)

    text = run.procedure.generate(run, request)["text"]

    assert text.startswith("ROMEO:") and len(text) == 206
    assert set(text) <= set(run.info["vocab"])
    assert run.procedure.generate(run, request)["text"] == text  # seeded


def test_text_top_k_one_is_greedy(open_run) -> None:
    run = open_run("text")
    first = GenerateRequest(num=50, prime="The ", top_k=1, seed=1)
    second = GenerateRequest(num=50, prime="The ", top_k=1, seed=2)
    assert (
        run.procedure.generate(run, first)["text"]
        == run.procedure.generate(run, second)["text"]
    )


def test_text_prime_with_unknown_characters_is_refused(open_run) -> None:
    run = open_run("text")
    with pytest.raises(ConfigError, match=r"prime.*'\{'"):
        run.procedure.generate(run, GenerateRequest(num=5, prime="{ROMEO}"))


def test_music_writes_a_midi_file_that_reads_back(open_run, tmp_path: Path) -> None:
    import mido

    run = open_run("music")
    out = tmp_path / "chorale.mid"

    result = run.procedure.generate(run, GenerateRequest(num=16, out=out, seed=5))
    again = run.procedure.generate(
        run, GenerateRequest(num=16, out=tmp_path / "again.mid", seed=5)
    )

    assert result == {"files": [str(out)]}
    midi = mido.MidiFile(out)
    assert midi.type == 1 and any(msg.type == "note_on" for msg in midi)
    roll = read_midi_piano_roll(out, steps_per_quarter=1)
    assert roll.shape[1] == 88 and len(roll) <= 16
    assert out.read_bytes() == Path(again["files"][0]).read_bytes()


def test_music_continues_a_prime_file(open_run, tmp_path: Path) -> None:
    run = open_run("music")
    prime = np.zeros((4, 88), dtype=bool)
    prime[:, [39, 43, 46]] = True
    write_midi(prime, tmp_path / "prime.mid", steps_per_quarter=1)

    out = tmp_path / "continued.mid"
    run.procedure.generate(
        run,
        GenerateRequest(num=8, out=out, prime=str(tmp_path / "prime.mid"), seed=0),
    )

    roll = read_midi_piano_roll(out, steps_per_quarter=1)
    assert np.array_equal(roll[:4], prime)
