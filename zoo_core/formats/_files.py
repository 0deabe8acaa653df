"""Reading whole files with errors that say which file and where it went wrong."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from ..errors import DataError, DatasetMissingError

__all__ = ["decode_strict", "line_and_column", "read_bytes", "require_file"]

PathLike = str | os.PathLike[str]


def require_file(path: PathLike, expected: str) -> Path:
    """``path`` as a Path, or an error if it is missing or not a regular file.

    Args:
        path: the file to check.
        expected: what the file should hold, for the message ("MovieLens ratings").
    """
    path = Path(path)
    if not path.exists():
        raise DatasetMissingError(f"{path} does not exist; expected {expected}")
    if not path.is_file():
        raise DataError(f"{path} is not a file; expected {expected}")
    return path


def read_bytes(path: PathLike, expected: str) -> bytes:
    """The whole content of ``path``; an error if it is missing or empty."""
    path = require_file(path, expected)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(
            f"{path} cannot be read ({exc.strerror}); expected {expected}"
        ) from None

    if not raw:
        raise DataError(f"{path} is empty; expected {expected}")
    return raw


def line_and_column(raw: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and byte column of byte ``offset`` in ``raw``."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def decode_strict(raw: bytes, encoding: str, path: PathLike) -> str:
    """``raw`` decoded with ``encoding``; the first undecodable byte is an error.

    The message names the file, the expected encoding, the byte offset (0-based, as
    ``hexdump`` shows it) and the 1-based line and column, so the byte can be found
    with any editor.
    """
    codecs.lookup(encoding)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = line_and_column(raw, exc.start)
        bad = raw[exc.start : exc.end]
        raise DataError(
            f"{path}, line {line}: byte 0x{bad[0]:02x} at offset {exc.start} "
            f"(column {column}) is not valid {encoding}; expected {encoding} text, "
            "so re-encode the file"
        ) from None

    if text.startswith("\ufeff"):
        text = text[1:]
    return text
