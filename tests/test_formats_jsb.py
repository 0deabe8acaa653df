"""JSB Chorales JSON reader on the real file and broken copies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zoo_core.errors import DataError, DatasetMissingError
from zoo_core.formats import read_jsb_chorales


def test_real_file_matches_its_readme(shared_data: Path) -> None:
    rolls = read_jsb_chorales(shared_data / "jsb-chorales" / "jsb_chorales.json")

    assert list(rolls) == ["train", "valid", "test"]
    summary = {
        name: (len(split), sum(len(r) for r in split), int(sum(r.sum() for r in split)))
        for name, split in rolls.items()
    }
    assert summary == {
        "train": (229, 13807, 53824),
        "valid": (76, 4602, 17811),
        "test": (77, 4725, 18367),
    }
    first = rolls["train"][0]
    assert first.dtype == bool and first.shape[1] == 88
    assert np.flatnonzero(first[0]).tolist() == [60 - 21, 72 - 21, 79 - 21, 88 - 21]
    assert max(r.sum(axis=1).max() for r in rolls["test"]) == 4


def test_upstream_copy_gives_the_same_rolls(shared_data: Path) -> None:
    ours = read_jsb_chorales(shared_data / "jsb-chorales" / "jsb_chorales.json")
    upstream = read_jsb_chorales(
        shared_data / "jsb-chorales" / "original" / "jsb-chorales-quarter.json"
    )

    for name in ("train", "valid", "test"):
        assert all(np.array_equal(a, b) for a, b in zip(ours[name], upstream[name]))


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "jsb.json"
    path.write_text(json.dumps(document))
    return path


GOOD = {"train": [[[60, 64], [], [62]]], "valid": [[[50]]], "test": [[[108, 21]]]}


def test_a_small_file_and_the_validation_alias(tmp_path: Path) -> None:
    document = {
        "test": GOOD["test"],
        "validation": GOOD["valid"],
        "train": GOOD["train"],
    }

    rolls = read_jsb_chorales(write(tmp_path, document))

    assert rolls["train"][0].shape == (3, 88)
    assert not rolls["train"][0][1].any()
    assert np.flatnonzero(rolls["test"][0][0]).tolist() == [0, 87]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"train": [[[60], [20]]]}, "split 'train', chorale 0, time step 1: note 20"),
        ({"valid": [[[50]], [[1, 109]]]}, "chorale 1, time step 0: note 1 is outside"),
        ({"test": [[[60.5]]]}, "expected integer MIDI notes, found 60.5"),
        ({"test": [[[True]]]}, "expected integer MIDI notes, found True"),
        ({"test": [[60]]}, "time step 0: expected a list of MIDI notes, found int"),
        ({"test": [[]]}, "chorale 0: expected a non-empty list of time steps"),
        ({"test": []}, "expected a non-empty list of chorales"),
        ({"extra": []}, "unknown split 'extra'"),
    ],
)
def test_a_bad_chorale_is_named(tmp_path: Path, change: dict, words: str) -> None:
    path = write(tmp_path, {**GOOD, **change})

    with pytest.raises(DataError, match=words):
        read_jsb_chorales(path)


def test_a_missing_split(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no valid split"):
        read_jsb_chorales(
            write(tmp_path, {"train": GOOD["train"], "test": GOOD["test"]})
        )


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "jsb.json"
    path.write_text('{"train": [[[60]]],\n "valid": [[[60]]]\n "test": []}')

    with pytest.raises(DataError, match=r"jsb.json, line 3: invalid JSON"):
        read_jsb_chorales(path)


def test_not_an_object(tmp_path: Path) -> None:
    with pytest.raises(
        DataError, match="expected a JSON object of splits, found a list"
    ):
        read_jsb_chorales(write(tmp_path, [1, 2]))


def test_empty_and_missing(tmp_path: Path) -> None:
    (tmp_path / "jsb.json").write_bytes(b"")

    with pytest.raises(DataError, match="is empty"):
        read_jsb_chorales(tmp_path / "jsb.json")
    with pytest.raises(DatasetMissingError):
        read_jsb_chorales(tmp_path / "other.json")
