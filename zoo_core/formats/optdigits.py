"""UCI optdigits: 8x8 digit images as 64 pixel counts plus a class, one per line."""

from __future__ import annotations

import numpy as np

from ._files import PathLike
from ._table import Column, read_table

__all__ = ["read_optdigits"]

_FIELDS = (
    *(Column(f"pixel_{i}", "int", 0, 16, f"pixel {i + 1}") for i in range(64)),
    Column("label", "int", 0, 9, "class"),
)


def read_optdigits(path: PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read ``optdigits.tra`` or ``optdigits.tes``.

    Each line holds 65 comma-separated integers: 64 pixel counts from 0 to 16 (the
    8x8 grid, row by row) followed by the digit 0 to 9.

    Returns:
        ``(images, labels)``: uint8 of shape (n, 8, 8) with values 0..16, and int64
        of shape (n,) with values 0..9; row ``i`` is line ``i + 1``.

    Raises:
        DatasetMissingError: the file does not exist.
        DataError: naming the line of the first malformed or out-of-range value.
    """
    frame = read_table(path, _FIELDS, sep=",", expected="optdigits rows (65 ints)")
    values = frame.to_numpy(np.int64)
    images = values[:, :64].astype(np.uint8).reshape(-1, 8, 8)
    return images, values[:, 64].copy()
