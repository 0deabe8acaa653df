"""CIFAR-10 in its binary distribution (``cifar-10-batches-bin``).

Each record is 3073 bytes: the label (0 to 9), then 1024 red, 1024 green and
1024 blue bytes of a 32x32 image, row by row. The pickled Python distribution
is deliberately not supported: unpickling runs arbitrary code from the file.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import DataError
from ._files import PathLike, read_bytes

__all__ = ["CIFAR10_CLASSES", "read_cifar10_binary"]

RECORD_BYTES = 1 + 3 * 32 * 32

#: The label names in label order, as in ``batches.meta.txt``.
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)


def read_cifar10_binary(
    paths: PathLike | Sequence[PathLike],
) -> tuple[np.ndarray, np.ndarray]:
    """Read one or more binary CIFAR-10 batch files and concatenate them.

    Args:
        paths: ``data_batch_1.bin`` ... or ``test_batch.bin``, one or several.

    Returns:
        ``(images, labels)``: uint8 of shape (n, 32, 32, 3) (height, width, RGB)
        and int64 of shape (n,), in file order.

    Raises:
        DatasetMissingError: a file does not exist.
        DataError: a file whose size is not a multiple of 3073 bytes, or a label
            outside 0..9 (naming the record and its byte offset).
    """
    if isinstance(paths, (str, bytes)) or not isinstance(paths, Sequence):
        paths = [paths]
    if not paths:
        raise DataError("no CIFAR-10 batch files were given")

    images, labels = [], []
    for path in paths:
        batch_images, batch_labels = _read_batch(path)
        images.append(batch_images)
        labels.append(batch_labels)
    return np.concatenate(images), np.concatenate(labels)


def _read_batch(path: PathLike) -> tuple[np.ndarray, np.ndarray]:
    raw = read_bytes(path, "a binary CIFAR-10 batch")
    count, rest = divmod(len(raw), RECORD_BYTES)
    if rest:
        raise DataError(
            f"{path}: {len(raw)} bytes is not a whole number of {RECORD_BYTES}-byte "
            f"records ({count} records and {rest} bytes left over); the file is "
            "truncated or not a binary CIFAR-10 batch"
        )

    records = np.frombuffer(raw, np.uint8).reshape(count, RECORD_BYTES)
    labels = records[:, 0].astype(np.int64)
    bad = np.flatnonzero(labels > 9)
    if bad.size:
        index = int(bad[0])
        raise DataError(
            f"{path}: record {index} (byte offset {index * RECORD_BYTES}) has label "
            f"{labels[index]}; expected 0 to 9 (is this CIFAR-100?)"
        )

    images = records[:, 1:].reshape(count, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels
