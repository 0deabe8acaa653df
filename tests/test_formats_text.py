"""Strict text reading on Tiny Shakespeare and broken copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from zoo_core.errors import DataError, DatasetMissingError
from zoo_core.formats import read_text


def test_tinyshakespeare_is_read_whole(shared_data: Path) -> None:
    text = read_text(shared_data / "tinyshakespeare" / "input.txt")

    assert len(text) == 1_115_394
    assert len(set(text)) == 65
    assert text.startswith("First Citizen:")
    assert text.endswith("Whiles thou art waking.\n")


def test_latin1_byte_in_utf8_names_line_and_offset(tmp_path: Path) -> None:
    content = b"First line\nSecond line\ncaf\xe9 au lait\n"
    (tmp_path / "input.txt").write_bytes(content)

    with pytest.raises(DataError) as caught:
        read_text(tmp_path / "input.txt")

    message = str(caught.value)
    assert "line 3: byte 0xe9 at offset 26 (column 4) is not valid utf-8" in message
    assert "expected utf-8 text" in message


def test_the_same_file_reads_as_latin1(tmp_path: Path) -> None:
    (tmp_path / "input.txt").write_bytes(b"caf\xe9\r\n")

    assert read_text(tmp_path / "input.txt", encoding="latin-1") == "café\r\n"


def test_a_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "input.txt").write_bytes(b"\xef\xbb\xbfhi")

    assert read_text(tmp_path / "input.txt") == "hi"


@pytest.mark.parametrize(
    ("content", "words"), [(b"", "is empty"), (b"\xef\xbb\xbf", "only a byte")]
)
def test_an_empty_file(tmp_path: Path, content: bytes, words: str) -> None:
    (tmp_path / "input.txt").write_bytes(content)

    with pytest.raises(DataError, match=words):
        read_text(tmp_path / "input.txt")


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError, match="input.txt does not exist"):
        read_text(tmp_path / "input.txt")
