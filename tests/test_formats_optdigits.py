"""optdigits reader on the real UCI files and on broken copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zoo_core.errors import DataError, DatasetMissingError
from zoo_core.formats import read_optdigits

TRAIN_COUNTS = [376, 389, 380, 389, 387, 376, 377, 387, 380, 382]
TEST_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


@pytest.mark.parametrize(
    ("name", "counts"),
    [("optdigits.tra", TRAIN_COUNTS), ("optdigits.tes", TEST_COUNTS)],
)
def test_real_files_match_the_class_counts(
    shared_data: Path, name: str, counts: list[int]
) -> None:
    images, labels = read_optdigits(shared_data / "optdigits" / name)

    assert images.shape == (sum(counts), 8, 8) and images.dtype == np.uint8
    assert labels.dtype == np.int64
    assert np.bincount(labels).tolist() == counts
    assert images.min() == 0 and images.max() == 16


def test_first_row_is_laid_out_row_major(shared_data: Path) -> None:
    first = (shared_data / "optdigits" / "optdigits.tra").read_text().split("\n")[0]
    values = [int(v) for v in first.split(",")]

    images, labels = read_optdigits(shared_data / "optdigits" / "optdigits.tra")

    assert images[0].tolist() == np.array(values[:64]).reshape(8, 8).tolist()
    assert labels[0] == values[64]


def rows(shared_data: Path, count: int = 4) -> list[str]:
    text = (shared_data / "optdigits" / "optdigits.tes").read_text()
    return text.split("\n")[:count]


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda line: line.rsplit(",", 1)[0], "expected 65 comma-separated fields"),
        (lambda line: line + ",3", "found 66 fields"),
        (lambda line: "17" + line[line.index(",") :], "'pixel 1': expected an integer"),
        (lambda line: line.rsplit(",", 1)[0] + ",10", "'class': expected an integer"),
        (lambda line: line.replace(",", ",x", 1), "found 'x"),
        (lambda line: line.replace(",", ",-1,", 1).replace(",0,", ",", 1), "from 0"),
    ],
)
def test_a_broken_row_is_named(shared_data: Path, tmp_path: Path, edit, words) -> None:
    lines = rows(shared_data)
    lines[2] = edit(lines[2])
    path = tmp_path / "optdigits.tra"
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(DataError) as caught:
        read_optdigits(path)

    assert str(caught.value).startswith(f"{path}, line 3")
    assert words in str(caught.value)


def test_an_empty_or_missing_file(tmp_path: Path) -> None:
    (tmp_path / "empty.tra").write_bytes(b"")

    with pytest.raises(DataError, match="empty.tra is empty"):
        read_optdigits(tmp_path / "empty.tra")
    with pytest.raises(DatasetMissingError):
        read_optdigits(tmp_path / "none.tra")
