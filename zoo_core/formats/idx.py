"""IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.

An IDX file starts with a 4-byte magic number: two zero bytes, a type code and
the number of dimensions. Then one big-endian uint32 per dimension, then the
values, big-endian, in C order.
"""

from __future__ import annotations

import gzip
import zlib

import numpy as np

from ..errors import DataError
from ._files import PathLike, read_bytes

__all__ = ["read_idx"]

_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path: PathLike) -> np.ndarray:
    """Read one IDX file (``train-images-idx3-ubyte``, optionally ``.gz``).

    Compression is detected from the content, not the name.

    Returns:
        An array with the file's shape, in native byte order (uint8 for MNIST).

    Raises:
        DatasetMissingError: the file does not exist.
        DataError: a corrupt gzip stream, a bad magic number, or a size that does
            not match the dimensions in the header.
    """
    raw = read_bytes(path, "an IDX file (MNIST format)")
    if raw.startswith(_GZIP_MAGIC):
        raw = _gunzip(raw, path)

    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _TYPES:
        raise DataError(
            f"{path}: bad IDX magic number {raw[:4].hex()}; expected 0000 followed "
            "by a type code (08 ubyte, 09 byte, 0b short, 0c int, 0d float, "
            "0e double) and the number of dimensions"
        )
    dtype, ndim = _TYPES[raw[2]], raw[3]

    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(
            f"{path}: the header declares {ndim} dimensions but the file ends after "
            f"{len(raw)} bytes; expected {header} header bytes"
        )
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", ndim, offset=4))

    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        raise DataError(
            f"{path}: {len(raw)} bytes, but dimensions {shape} of {dtype.name} need "
            f"exactly {expected}; the file is truncated or not IDX"
        )
    values = np.frombuffer(raw, dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def _gunzip(raw: bytes, path: PathLike) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: corrupt gzip data ({exc}); fetch it again") from None
