"""The shared table reader: large files, quoting, and the fallback that finds lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zoo_core.errors import DataError
from zoo_core.formats import _table, read_ml100k_ratings, read_ratings_csv
from zoo_core.formats._table import Column, read_table


def udata(count: int) -> list[str]:
    rng = np.random.default_rng(0)
    return [
        f"{u}\t{i}\t{r}\t{t}"
        for u, i, r, t in zip(
            rng.integers(1, 900, count),
            rng.integers(1, 1600, count),
            rng.integers(1, 6, count),
            rng.integers(874724710, 893286638, count),
        )
    ]


@pytest.mark.parametrize("bad_line", [1, 19_999, 20_000, 20_001, 45_000])
def test_a_bad_line_deep_in_a_large_file_is_named(
    tmp_path: Path, bad_line: int
) -> None:
    lines = udata(45_000)
    lines[bad_line - 1] = lines[bad_line - 1].replace("\t", "\t\t", 1)
    path = tmp_path / "u.data"
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(DataError, match=rf"u\.data, line {bad_line}: expected 4 tab"):
        read_ml100k_ratings(path)


def test_the_fallback_names_a_line_the_exact_pass_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend the exact pass saw nothing wrong: bisecting with the fast pass
    # must still find the line.
    monkeypatch.setattr(_table._Table, "_raise_first_bad_record", lambda *a: None)
    lines = udata(30_000)
    lines[25_123] = "1\t2\tx\t4"
    path = tmp_path / "u.data"
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(
        DataError, match=r"line 25124: expected 4 .*found '1\\t2\\tx\\t4'"
    ):
        read_ml100k_ratings(path)


def test_quoted_fields_may_span_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('user_id,item_id,rating,note\n1,2,3,"two\nlines"\n4,5,nine,x\n')

    with pytest.raises(DataError, match=r"line 4, field 'rating': expected a number"):
        read_ratings_csv(path)


def test_unbalanced_quotes_are_named(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('user_id,item_id,rating\n1,2,3\n"4,5,1\n6,7,2\n')

    with pytest.raises(DataError, match=r"line 3"):
        read_ratings_csv(path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"1\t2\t3\t4\n1\t2\r\t3\t4\n", "line 2: a carriage return inside the line"),
        (b"1\t2\t3\t4\n1\t2\t3\t4\x00\n", "line 2: a NUL byte inside the line"),
        (b"1\t2\t3\t4\n1\t2\t3\t\x0b4\n", None),
    ],
)
def test_control_characters(tmp_path: Path, content: bytes, words: str | None) -> None:
    path = tmp_path / "u.data"
    path.write_bytes(content)

    if words is None:
        assert read_ml100k_ratings(path)["timestamp"].tolist() == [4, 4]
        return
    with pytest.raises(DataError, match=words):
        read_ml100k_ratings(path)


def test_other_encodings_are_read_through_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("name::score\nzoë::1.5\n".encode("utf-16"))
    columns = [Column("name", "str"), Column("score", "float", 0, 2)]

    frame = read_table(
        path, columns, sep="::", expected="scores", encoding="utf-16", header=True
    )

    assert frame["name"].tolist() == ["zoë"] and frame["score"].tolist() == [1.5]
