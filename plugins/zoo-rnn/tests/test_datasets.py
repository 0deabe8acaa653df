"""The loaders on the real files, and on small files made here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from zoo_rnn.text_data import encode

from zoo_core.api import load_dataset
from zoo_core.errors import ConfigError, DataError
from zoo_core.formats import write_midi


def test_tinyshakespeare_splits_like_char_rnn(load_plugins, shared_data: Path) -> None:
    load_plugins("zoo-rnn")
    bundle = load_dataset("tinyshakespeare", data_dir=shared_data)

    train, valid = bundle.split("train"), bundle.split("valid")
    text = (shared_data / "tinyshakespeare" / "input.txt").read_text("utf-8")
    vocab = bundle.info["vocab"]
    assert len(vocab) == bundle.info["vocab_size"] == 65
    assert train.num_chars == int(len(text) * 0.9) == 1_003_854
    assert valid.num_chars == len(text) - train.num_chars
    assert "".join(vocab[i] for i in train.ids[:14]) == "First Citizen:"
    assert "".join(vocab[i] for i in valid.ids[-24:]) == "Whiles thou art waking.\n"


def test_jsb_chorales_keeps_the_benchmark_split(load_plugins, shared_data) -> None:
    load_plugins("zoo-rnn")
    bundle = load_dataset("jsb-chorales", data_dir=shared_data)

    counts = {name: len(bundle.split(name)) for name in ("train", "valid", "test")}
    assert counts == {"train": 229, "valid": 76, "test": 77}
    assert bundle.split("train").num_steps == 13_807
    assert bundle.split("test").num_steps == 4_725
    first = bundle.split("train")[0]
    assert first.shape[1] == 88 and set(first.unique().tolist()) <= {0.0, 1.0}
    assert bundle.info["steps_per_quarter"] == 1
    assert len(bundle.info["key_frequency"]) == 88


def test_text_file_needs_a_path(load_plugins) -> None:
    load_plugins("zoo-rnn")
    with pytest.raises(ConfigError, match="data.path"):
        load_dataset("text-file")


def test_text_file_splits_a_user_file(load_plugins, tmp_path: Path) -> None:
    load_plugins("zoo-rnn")
    path = tmp_path / "notes.txt"
    path.write_text("abcabcabcabcabcabcabcabcabcabcé\n", encoding="utf-8")

    bundle = load_dataset("text-file", path=str(path), valid_fraction=0.25)

    assert bundle.info["vocab"] == ["\n", "a", "b", "c", "é"]
    assert bundle.split("train").num_chars == 24
    assert bundle.split("valid").num_chars == 8


def test_text_file_rejects_bad_bytes(load_plugins, tmp_path: Path) -> None:
    load_plugins("zoo-rnn")
    path = tmp_path / "latin.txt"
    path.write_bytes("caf\xe9 au lait\n".encode("latin-1"))
    with pytest.raises(DataError, match="line 1"):
        load_dataset("text-file", path=str(path))
    bundle = load_dataset("text-file", path=str(path), encoding="latin-1")
    assert "é" in bundle.info["vocab"]


def test_unknown_characters_are_named() -> None:
    with pytest.raises(ConfigError, match="'Z'"):
        encode("abZ", ["a", "b"], "the prime")


def test_midi_folder_splits_by_file(load_plugins, tmp_path: Path) -> None:
    load_plugins("zoo-rnn")
    rng = np.random.default_rng(0)
    for number in range(10):
        roll = rng.random((12 + number, 88)) < 0.05
        roll[0, 40] = True
        write_midi(
            roll, tmp_path / "pieces" / f"piece{number}.mid", steps_per_quarter=2
        )

    bundle = load_dataset(
        "midi-folder", path=str(tmp_path / "pieces"), steps_per_quarter=2, max_steps=8
    )

    pieces = sum(len(bundle.split(name)) for name in ("train", "valid", "test"))
    steps = sum(bundle.split(name).num_steps for name in ("train", "valid", "test"))
    assert steps == sum(12 + number for number in range(10))
    assert pieces == sum(-(-(12 + number) // 8) for number in range(10))
    assert all(len(roll) <= 8 for roll in bundle.split("train").rolls)
    assert bundle.info["steps_per_quarter"] == 2


def test_midi_folder_of_one_file_trains_without_validation(
    load_plugins, tmp_path: Path
) -> None:
    load_plugins("zoo-rnn")
    roll = np.zeros((6, 88), dtype=bool)
    roll[:, 39] = True
    write_midi(roll, tmp_path / "only.mid")

    bundle = load_dataset("midi-folder", path=str(tmp_path), steps_per_quarter=1)

    assert set(bundle.splits) == {"train"}
    assert bundle.split("train").num_steps == 6


def test_midi_folder_rejects_fractions_that_leave_no_training(
    load_plugins, tmp_path: Path
) -> None:
    load_plugins("zoo-rnn")
    write_midi(np.ones((2, 88), dtype=bool), tmp_path / "a.mid")
    with pytest.raises(ConfigError, match="fraction"):
        load_dataset(
            "midi-folder", path=str(tmp_path), valid_fraction=0.5, test_fraction=0.5
        )
