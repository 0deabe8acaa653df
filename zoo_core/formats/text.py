"""Plain text corpora, decoded strictly."""

from __future__ import annotations

from ..errors import DataError
from ._files import PathLike, decode_strict, read_bytes

__all__ = ["read_text"]


def read_text(path: PathLike, encoding: str = "utf-8") -> str:
    """The whole text of ``path``, decoded with ``encoding``; never guessed.

    Line endings are kept as they are in the file, and a leading byte-order mark
    is dropped.

    Raises:
        DatasetMissingError: the file does not exist.
        DataError: the file is empty, or a byte is not valid in ``encoding`` (the
            message gives its line and byte offset).
    """
    raw = read_bytes(path, f"{encoding} text")
    text = decode_strict(raw, encoding, path)
    if not text:
        raise DataError(
            f"{path} holds only a byte-order mark; expected {encoding} text"
        )
    return text
