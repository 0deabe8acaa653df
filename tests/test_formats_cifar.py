"""Binary CIFAR-10 reader on small synthetic batches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zoo_core.errors import DataError, DatasetMissingError
from zoo_core.formats import read_cifar10_binary


def batch(path: Path, labels: list[int], seed: int) -> np.ndarray:
    """Write a batch; return its images as (n, 32, 32, 3)."""
    rng = np.random.default_rng(seed)
    planes = rng.integers(0, 256, (len(labels), 3, 32, 32), dtype=np.uint8)
    records = np.concatenate(
        [np.array(labels, np.uint8)[:, None], planes.reshape(len(labels), -1)], axis=1
    )
    path.write_bytes(records.tobytes())
    return planes.transpose(0, 2, 3, 1)


def test_reads_and_concatenates_batches(tmp_path: Path) -> None:
    first = batch(tmp_path / "data_batch_1.bin", [3, 8, 0], seed=1)
    second = batch(tmp_path / "data_batch_2.bin", [9], seed=2)

    images, labels = read_cifar10_binary(
        [tmp_path / "data_batch_1.bin", tmp_path / "data_batch_2.bin"]
    )

    assert images.shape == (4, 32, 32, 3) and images.dtype == np.uint8
    assert labels.tolist() == [3, 8, 0, 9] and labels.dtype == np.int64
    assert np.array_equal(images[:3], first) and np.array_equal(images[3:], second)


def test_pixel_layout_is_red_green_blue_planes(tmp_path: Path) -> None:
    record = np.zeros(3073, np.uint8)
    record[0] = 1
    record[1 + 0 * 1024 + 2 * 32 + 5] = 10  # red at row 2, column 5
    record[1 + 2 * 1024 + 31] = 30  # blue at row 0, column 31
    (tmp_path / "test_batch.bin").write_bytes(record.tobytes())

    images, _ = read_cifar10_binary(tmp_path / "test_batch.bin")

    assert images[0, 2, 5].tolist() == [10, 0, 0]
    assert images[0, 0, 31].tolist() == [0, 0, 30]


def test_a_truncated_batch(tmp_path: Path) -> None:
    batch(tmp_path / "b.bin", [1, 2], seed=0)
    data = (tmp_path / "b.bin").read_bytes()
    (tmp_path / "b.bin").write_bytes(data[:-100])

    with pytest.raises(DataError, match=r"1 records and 2973 bytes left over"):
        read_cifar10_binary(tmp_path / "b.bin")


def test_a_label_out_of_range_names_the_record(tmp_path: Path) -> None:
    batch(tmp_path / "b.bin", [1, 2, 55], seed=0)

    with pytest.raises(DataError, match=r"record 2 \(byte offset 6146\) has label 55"):
        read_cifar10_binary(tmp_path / "b.bin")


def test_empty_missing_and_no_files(tmp_path: Path) -> None:
    (tmp_path / "b.bin").write_bytes(b"")

    with pytest.raises(DataError, match="is empty"):
        read_cifar10_binary(tmp_path / "b.bin")
    with pytest.raises(DatasetMissingError):
        read_cifar10_binary([tmp_path / "c.bin"])
    with pytest.raises(DataError, match="no CIFAR-10 batch files"):
        read_cifar10_binary([])
