"""IDX (MNIST) reader on small synthetic files."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from zoo_core.errors import DataError, DatasetMissingError
from zoo_core.formats import read_idx


def idx_bytes(array: np.ndarray, code: int, big_endian_dtype: str) -> bytes:
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(big_endian_dtype).tobytes()


def test_reads_images_and_labels(tmp_path: Path) -> None:
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = np.array([7, 2, 1, 0, 4], dtype=np.uint8)
    (tmp_path / "images").write_bytes(idx_bytes(images, 0x08, "u1"))
    (tmp_path / "labels.gz").write_bytes(gzip.compress(idx_bytes(labels, 0x08, "u1")))

    assert np.array_equal(read_idx(tmp_path / "images"), images)
    read_labels = read_idx(tmp_path / "labels.gz")
    assert read_labels.dtype == np.uint8 and read_labels.tolist() == [7, 2, 1, 0, 4]


@pytest.mark.parametrize(
    ("code", "dtype"),
    [(0x09, ">i1"), (0x0B, ">i2"), (0x0C, ">i4"), (0x0D, ">f4"), (0x0E, ">f8")],
)
def test_reads_every_type_in_native_order(
    tmp_path: Path, code: int, dtype: str
) -> None:
    values = np.arange(-3, 3).reshape(2, 3)
    (tmp_path / "x").write_bytes(idx_bytes(values, code, dtype))

    read = read_idx(tmp_path / "x")

    assert read.dtype.isnative and read.shape == (2, 3)
    assert read.tolist() == values.tolist()


def test_a_bad_magic_number(tmp_path: Path) -> None:
    (tmp_path / "x").write_bytes(b"\x00\x00\x07\x01\x00\x00\x00\x01\x05")

    with pytest.raises(DataError, match="bad IDX magic number 00000701"):
        read_idx(tmp_path / "x")


def test_a_truncated_file_gives_expected_size(tmp_path: Path) -> None:
    data = idx_bytes(np.zeros((3, 4, 4), np.uint8), 0x08, "u1")
    (tmp_path / "x").write_bytes(data[:-5])

    with pytest.raises(DataError, match=r"\(3, 4, 4\) of uint8 need exactly 64"):
        read_idx(tmp_path / "x")


def test_a_header_cut_short(tmp_path: Path) -> None:
    (tmp_path / "x").write_bytes(b"\x00\x00\x08\x03\x00\x00")

    with pytest.raises(DataError, match="declares 3 dimensions"):
        read_idx(tmp_path / "x")


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = gzip.compress(idx_bytes(np.zeros(10, np.uint8), 0x08, "u1"))
    (tmp_path / "x.gz").write_bytes(data[:-6])

    with pytest.raises(DataError, match="corrupt gzip data"):
        read_idx(tmp_path / "x.gz")


def test_empty_and_missing(tmp_path: Path) -> None:
    (tmp_path / "x").write_bytes(b"")

    with pytest.raises(DataError, match="is empty"):
        read_idx(tmp_path / "x")
    with pytest.raises(DatasetMissingError):
        read_idx(tmp_path / "y")
