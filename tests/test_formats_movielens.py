"""MovieLens and ratings-CSV readers on the real files and on broken copies."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoo_core.errors import DataError, DatasetMissingError
from zoo_core.formats import (
    ML100K_GENRES,
    check_known_ids,
    encode_ids,
    read_ml1m_movies,
    read_ml1m_ratings,
    read_ml100k_items,
    read_ml100k_ratings,
    read_ratings_csv,
)

GOOD_LINES = [
    "196\t242\t3\t881250949",
    "186\t302\t3\t891717742",
    "22\t377\t1\t878887116",
    "244\t51\t2\t880606923",
    "166\t346\t1\t886397596",
]


def write(tmp_path: Path, content: str | bytes, name: str = "u.data") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def good_udata(tmp_path: Path, lines: list[str] | None = None) -> Path:
    return write(tmp_path, "\n".join(lines or GOOD_LINES) + "\n")


# -- the real files ----------------------------------------------------------------


def test_real_u_data_matches_its_readme(shared_data: Path) -> None:
    frame = read_ml100k_ratings(shared_data / "ml-100k" / "u.data")

    assert list(frame.columns) == ["user_id", "item_id", "rating", "timestamp"]
    assert [str(t) for t in frame.dtypes] == ["int64", "int64", "float32", "int64"]
    assert len(frame) == 100_000
    assert frame["user_id"].nunique() == 943 and frame["item_id"].nunique() == 1682
    counts = frame["rating"].value_counts().sort_index().tolist()
    assert counts == [6110, 11370, 27145, 34174, 21201]
    assert frame["timestamp"].min() == 874724710
    assert frame["timestamp"].max() == 893286638
    assert frame.iloc[0].tolist() == [196, 242, 3.0, 881250949]


def test_real_u_item_is_latin1_with_genres(shared_data: Path) -> None:
    items = read_ml100k_items(shared_data / "ml-100k" / "u.item")

    assert len(items) == 1682
    assert items["item_id"].tolist() == list(range(1, 1683))
    assert items.loc[0, "title"] == "Toy Story (1995)"
    assert items.loc[0, "genres"] == ("Animation", "Children's", "Comedy")
    assert items.loc[542, "title"] == "Misérables, Les (1995)"
    totals = pd.Series([g for genres in items["genres"] for g in genres]).value_counts()
    assert totals["Drama"] == 725 and totals["Fantasy"] == 22
    assert set(totals.index) == set(ML100K_GENRES)


def test_every_rated_item_is_a_known_movie(shared_data: Path) -> None:
    ratings = read_ml100k_ratings(shared_data / "ml-100k" / "u.data")
    items = read_ml100k_items(shared_data / "ml-100k" / "u.item")

    check_known_ids(
        ratings["item_id"], items["item_id"], path=shared_data / "ml-100k" / "u.data"
    )


def test_an_unknown_item_id_names_its_line(tmp_path: Path) -> None:
    path = good_udata(tmp_path)
    ratings = read_ml100k_ratings(path)

    with pytest.raises(DataError, match=r"u\.data, line 3: unknown item id 377"):
        check_known_ids(ratings["item_id"], [242, 302, 51, 346], path=path)


# -- broken copies of u.data ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "line", "words"),
    [
        (GOOD_LINES[:2] + ["22\t377\t1"], 3, "expected 4 tab-separated fields"),
        (GOOD_LINES[:1] + ["22\t377\t1\t878887116\t7"] + GOOD_LINES[1:], 2, "found 5"),
        (["1\t2\t3\t4\t5"] + GOOD_LINES, 1, "found 5 fields"),
        (GOOD_LINES[:3] + ["244\tfifty\t2\t880606923"], 4, "'item id': expected an"),
        (GOOD_LINES[:3] + ["244\t51\t2.5\t880606923"], 4, "found '2.5'"),
        (GOOD_LINES[:4] + ["166\t346\t6\t886397596"], 5, "from 1 to 5, found 6"),
        (
            GOOD_LINES[:1] + ["0\t346\t1\t886397596"],
            2,
            "'user id': expected an integer",
        ),
        (GOOD_LINES[:2] + ["", *GOOD_LINES[2:]], 3, "found an empty line"),
        (GOOD_LINES[:2] + ["1\t2\t3\t99999999999999999999"], 3, "out of range"),
        (GOOD_LINES[:2] + ["1\t2\t\t4"], 3, "found an empty field"),
    ],
)
def test_a_broken_line_is_named(
    tmp_path: Path, lines: list[str], line: int, words: str
) -> None:
    path = good_udata(tmp_path, lines)

    with pytest.raises(DataError) as caught:
        read_ml100k_ratings(path)

    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}")
    assert words in message
    assert "\n" not in message


def test_a_truncated_last_line_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join(GOOD_LINES) + "\n22\t37")

    with pytest.raises(DataError, match=r"line 6: expected 4 tab-separated fields"):
        read_ml100k_ratings(path)


def test_a_last_line_without_newline_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join(GOOD_LINES))

    assert len(read_ml100k_ratings(path)) == 5


def test_windows_line_endings_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "\r\n".join(GOOD_LINES) + "\r\n")

    assert read_ml100k_ratings(path)["timestamp"].tolist()[-1] == 886397596


@pytest.mark.parametrize("content", [b"", b"\n", b"  \n"])
def test_an_empty_file_says_so(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, content)

    with pytest.raises(DataError, match=r"u\.data (is empty|holds only blank)"):
        read_ml100k_ratings(path)


def test_a_missing_file_is_dataset_missing(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError, match=r"nope\.data does not exist"):
        read_ml100k_ratings(tmp_path / "nope.data")


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is not a file"):
        read_ml100k_ratings(tmp_path)


def test_a_non_utf8_byte_names_line_and_offset(tmp_path: Path) -> None:
    content = ("\n".join(GOOD_LINES[:2]) + "\n").encode() + b"22\t3\xe97\t1\t8\n"
    path = write(tmp_path, content)
    offset = content.index(b"\xe9")

    with pytest.raises(DataError) as caught:
        read_ml100k_ratings(path)

    message = str(caught.value)
    assert f"line 3: byte 0xe9 at offset {offset} (column 5)" in message
    assert "utf-8" in message


# -- property: a corrupted line is read correctly or named ----------------------------

_INT = re.compile(r"[ \t\v\f]*[+-]?[0-9]+[ \t\v\f]*")
_BOUNDS = [(1, 2**63 - 1), (1, 2**63 - 1), (1, 5), (0, 2**63 - 1)]


def oracle(content: bytes) -> tuple[list[list[int]] | None, int | None]:
    """What u.data should give: (rows, None) or (None, first bad line).

    An independent, plain reading of the format: UTF-8 text, lines ending in
    "\\n" (an optional "\\r" before it), four tab-separated integers in range,
    blanks around them ignored.
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, content.count(b"\n", 0, exc.start) + 1

    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    rows = []
    for number, line in enumerate(lines, start=1):
        fields = line.removesuffix("\r").split("\t")
        if len(fields) != 4 or not all(_INT.fullmatch(f) for f in fields):
            return None, number
        values = [int(f) for f in fields]
        if not all(lo <= v <= hi for v, (lo, hi) in zip(values, _BOUNDS)):
            return None, number
        rows.append(values)
    return rows, None


_ALPHABET = [*b"0123456789", *b"\t\n\r -+.ex", 0x00, 0x0B, 0xE9, 0xC3]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    line=st.integers(0, len(GOOD_LINES) - 1),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["replace", "insert", "delete"]),
            st.integers(0, 30),
            st.sampled_from(_ALPHABET),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_a_corrupted_line_is_read_right_or_named(
    tmp_path: Path, line: int, edits: list[tuple[str, int, int]]
) -> None:
    corrupted = bytearray(GOOD_LINES[line].encode())
    for kind, position, byte in edits:
        at = position % (len(corrupted) + (kind == "insert")) if corrupted else 0
        if kind == "insert":
            corrupted.insert(at, byte)
        elif corrupted and kind == "replace":
            corrupted[at] = byte
        elif corrupted:
            del corrupted[at]
    lines = [text.encode() for text in GOOD_LINES]
    lines[line] = bytes(corrupted)
    content = b"\n".join(lines) + b"\n"
    path = write(tmp_path, content)
    rows, bad_line = oracle(content)

    if rows is not None:
        frame = read_ml100k_ratings(path)
        assert frame.to_numpy(np.int64).tolist() == rows
        return
    if not content.strip():
        pytest.skip("corruption left only blank space")
    with pytest.raises(DataError) as caught:
        read_ml100k_ratings(path)
    assert f"{path}, line {bad_line}" in str(caught.value)


# -- MovieLens 1M ----------------------------------------------------------------------


def test_ml1m_ratings_use_double_colons(tmp_path: Path) -> None:
    path = write(tmp_path, "1::1193::5::978300760\n1::661::3::978302109\n", "r.dat")

    frame = read_ml1m_ratings(path)

    assert frame.to_numpy(np.int64).tolist() == [
        [1, 1193, 5, 978300760],
        [1, 661, 3, 978302109],
    ]
    assert frame["rating"].dtype == np.float32


def test_ml1m_ratings_name_a_bad_line(tmp_path: Path) -> None:
    path = write(tmp_path, "1::1193::5::978300760\n1::661::3:978302109\n", "r.dat")

    with pytest.raises(DataError, match=r"line 2: expected 4 '::'-separated fields"):
        read_ml1m_ratings(path)


def test_ml1m_movies_are_latin1(tmp_path: Path) -> None:
    content = (
        "1::Toy Story (1995)::Animation|Children's|Comedy\n"
        "2::Misérables, Les (1995)::Drama|Musical\n"
    ).encode("latin-1")
    path = write(tmp_path, content, "movies.dat")

    movies = read_ml1m_movies(path)

    assert movies["title"].tolist()[1] == "Misérables, Les (1995)"
    assert movies["genres"].tolist()[0] == ("Animation", "Children's", "Comedy")


def test_a_duplicate_movie_id_names_both_lines(tmp_path: Path) -> None:
    content = b"1::A (1995)::Drama\n2::B (1995)::Drama\n1::C (1995)::Drama\n"
    path = write(tmp_path, content, "movies.dat")

    with pytest.raises(
        DataError, match=r"line 3: movie id 1 already appeared on line 1"
    ):
        read_ml1m_movies(path)


def test_a_bad_genre_flag_in_u_item_is_named(shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / "ml-100k" / "u.item").read_bytes().split(b"\n")[:5]
    lines[3] = lines[3][:-1] + b"2"
    path = write(tmp_path, b"\n".join(lines) + b"\n", "u.item")

    with pytest.raises(DataError, match=r"line 4, field 'Western flag': .* 0 to 1"):
        read_ml100k_items(path)


# -- ratings CSV -----------------------------------------------------------------------


def test_ratings_csv_maps_string_ids(tmp_path: Path) -> None:
    content = (
        "user,movie,stars,when,note\nann,m9,4.5,100,x\nbob,m2,3,200,\nann,m2,1,300,y\n"
    )
    path = write(tmp_path, content, "r.csv")

    ratings = read_ratings_csv(
        path,
        user_col="user",
        item_col="movie",
        rating_col="stars",
        timestamp_col="when",
    )

    assert ratings.frame["user_id"].tolist() == [0, 1, 0]
    assert ratings.frame["item_id"].tolist() == [0, 1, 1]
    assert ratings.frame["rating"].tolist() == [4.5, 3.0, 1.0]
    assert ratings.frame["timestamp"].tolist() == [100, 200, 300]
    assert ratings.user_ids.tolist() == ["ann", "bob"]
    assert ratings.item_ids.tolist() == ["m9", "m2"]
    assert (ratings.num_users, ratings.num_items) == (2, 2)


def test_ratings_csv_without_timestamps_gives_zero(tmp_path: Path) -> None:
    path = write(tmp_path, "user_id,item_id,rating\n7,8,1\n", "r.csv")

    ratings = read_ratings_csv(path)

    assert ratings.frame["timestamp"].tolist() == [0]
    assert ratings.frame["timestamp"].dtype == np.int64


def test_ratings_csv_reads_quoted_fields(tmp_path: Path) -> None:
    content = 'user_id,item_id,rating\n"a, b","it ""x""",2\n'
    path = write(tmp_path, content, "r.csv")

    ratings = read_ratings_csv(path)

    assert ratings.user_ids.tolist() == ["a, b"]
    assert ratings.item_ids.tolist() == ['it "x"']


def test_ratings_csv_missing_column_lists_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "user,item,score\n1,2,3\n", "r.csv")

    with pytest.raises(DataError) as caught:
        read_ratings_csv(path, user_col="user", item_col="item")

    message = str(caught.value)
    assert "no column 'rating'" in message
    assert "'user', 'item', 'score'" in message


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("user_id,item_id,rating\n1,2,3\n1,2,9\n", 3, "a number from 1 to 5"),
        ("user_id,item_id,rating\n1,2,3\n1,2,three\n", 3, "found 'three'"),
        ("user_id,item_id,rating\n1,2,3\n1,2\n", 3, "expected 3 comma-separated"),
        ("user_id,item_id,rating\n1,2,3,4\n", 2, "found 4 fields"),
        ('user_id,item_id,rating\n"1,2,3\n', 2, "rating"),
        ("user_id,item_id,rating\n1,2,nan\n", 2, "found 'nan'"),
        ("user_id,item_id,rating\n1,2,inf\n", 2, "found 'inf'"),
        ("user_id,item_id,rating\n1,2,1e999\n", 2, "out of range"),
    ],
)
def test_ratings_csv_names_a_bad_line(
    tmp_path: Path, content: str, line: int, words: str
) -> None:
    path = write(tmp_path, content, "r.csv")

    with pytest.raises(DataError) as caught:
        read_ratings_csv(path, rating_min=1, rating_max=5)

    assert f"line {line}" in str(caught.value)
    assert words in str(caught.value)


def test_ratings_csv_with_only_a_header_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "user_id,item_id,rating\n", "r.csv")

    with pytest.raises(DataError, match="no data lines"):
        read_ratings_csv(path)


def test_encode_ids_uses_first_seen_order() -> None:
    frame = pd.DataFrame(
        {
            "user_id": [5, 3, 5],
            "item_id": [9, 9, 1],
            "rating": [1, 2, 3],
            "timestamp": 0,
        }
    )

    ratings = encode_ids(frame)

    assert ratings.frame["user_id"].tolist() == [0, 1, 0]
    assert ratings.user_ids.tolist() == [5, 3]
    assert ratings.item_ids.tolist() == [9, 1]


def test_ratings_csv_rejects_an_empty_id(tmp_path: Path) -> None:
    path = write(tmp_path, "user_id,item_id,rating\n1,2,3\n,2,3\n", "r.csv")

    with pytest.raises(DataError, match=r"line 3, field 'user_id': expected non-empty"):
        read_ratings_csv(path)


def test_ratings_csv_rejects_a_duplicated_column(tmp_path: Path) -> None:
    path = write(tmp_path, "user_id,item_id,rating,rating\n1,2,3,4\n", "r.csv")

    with pytest.raises(DataError, match="'rating' appears more than once"):
        read_ratings_csv(path)


_CSV_LINES = ["u1,i9,4.5,100", "u2,i2,3,200", "u1,i2,1,300", "u3,i7,2.5,400"]
_FLOAT = re.compile(
    r"[ \t\v\f]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\v\f]*"
)


def csv_oracle(content: bytes) -> tuple[list[tuple] | None, int | None]:
    """Rows of a quote-free ratings CSV, or the first bad line (header is line 1)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, content.count(b"\n", 0, exc.start) + 1

    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        line = line.removesuffix("\r")
        if "\r" in line or "\0" in line:
            return None, number
        fields = line.split(",")
        if len(fields) != 4 or "" in fields[:2]:
            return None, number
        user, item, rating, stamp = fields
        if not _FLOAT.fullmatch(rating) or not _INT.fullmatch(stamp):
            return None, number
        if not 0 <= float(rating) <= 5:
            return None, number
        rows.append((user, item, float(rating), int(stamp)))
    return rows, None


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    line=st.integers(0, len(_CSV_LINES) - 1),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["replace", "insert", "delete"]),
            st.integers(0, 20),
            st.sampled_from([*b"0123456789", *b",\n\r .e-xi", 0xE9, 0x00]),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_a_corrupted_csv_line_is_read_right_or_named(
    tmp_path: Path, line: int, edits: list[tuple[str, int, int]]
) -> None:
    corrupted = bytearray(_CSV_LINES[line].encode())
    for kind, position, byte in edits:
        at = position % (len(corrupted) + (kind == "insert")) if corrupted else 0
        if kind == "insert":
            corrupted.insert(at, byte)
        elif corrupted and kind == "replace":
            corrupted[at] = byte
        elif corrupted:
            del corrupted[at]
    lines = [text.encode() for text in _CSV_LINES]
    lines[line] = bytes(corrupted)
    content = b"user,item,rating,time\n" + b"\n".join(lines) + b"\n"
    path = write(tmp_path, content, "r.csv")
    rows, bad_line = csv_oracle(content)
    read = lambda: read_ratings_csv(  # noqa: E731
        path,
        user_col="user",
        item_col="item",
        timestamp_col="time",
        rating_min=0,
        rating_max=5,
    )

    if rows is not None:
        ratings = read()
        frame = ratings.frame
        got = [
            (ratings.user_ids[u], ratings.item_ids[i], float(r), int(t))
            for u, i, r, t in frame.itertuples(index=False)
        ]
        assert got == [(u, i, float(np.float32(r)), t) for u, i, r, t in rows]
        return
    with pytest.raises(DataError) as caught:
        read()
    assert f"{path}, line {bad_line}" in str(caught.value)


def test_recbole_atomic_file_reads_as_a_ratings_table(shared_data: Path) -> None:
    inter = shared_data / "ml-100k" / "recbole-atomic" / "ml-100k.inter"
    grouplens = read_ml100k_ratings(shared_data / "ml-100k" / "u.data")

    ratings = read_ratings_csv(
        inter,
        user_col="user_id:token",
        item_col="item_id:token",
        rating_col="rating:float",
        timestamp_col="timestamp:float",
        sep="\t",
        rating_min=1,
        rating_max=5,
    )

    assert (ratings.num_users, ratings.num_items) == (943, 1682)
    users = ratings.user_ids[ratings.frame["user_id"]].astype(np.int64)
    assert np.array_equal(users, grouplens["user_id"].to_numpy())
    assert np.array_equal(ratings.frame["rating"], grouplens["rating"])
    assert np.array_equal(ratings.frame["timestamp"], grouplens["timestamp"])
