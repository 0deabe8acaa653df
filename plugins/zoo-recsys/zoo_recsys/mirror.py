"""MovieLens 100K in the GroupLens layout, rebuilt from the copy in RecBole's wheel.

The RecBole wheel on PyPI (``recbole==1.2.1``) carries MovieLens 100K as RecBole
"atomic files" under ``recbole/dataset_example/ml-100k/``. When files.grouplens.org
cannot be reached, ``zoo data fetch movielens-100k`` downloads that wheel with pip,
without installing it, and :func:`recbole_to_grouplens` writes the GroupLens files
from it. Nothing is imported from RecBole; the wheel is read as a zip archive.

What the atomic files cannot give back, so the rebuilt copy lacks it:

- ``u.item``: release date, video release date and IMDb URL are empty. RecBole
  strips the year from each title and keeps it in a field of its own; the title
  gets it back as `` (YEAR)``. Trailing spaces GroupLens had in a few titles are
  lost.
- GroupLens's ready-made splits (``u1.base`` ... ``ub.test``), its README and
  scripts are not in the wheel.

``u.data``, ``u.user``, ``u.genre``, ``u.occupation`` and ``u.info`` come out as in
the GroupLens archive.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from zoo_core.errors import DataError
from zoo_core.formats.movielens import ML100K_GENRES

__all__ = ["GENRES", "recbole_to_grouplens"]

GENRES = ML100K_GENRES
"""The 19 genres of MovieLens 100K, in the order of the flags in ``u.item``."""

_FOLDER = "recbole/dataset_example/ml-100k/"

# RecBole writes this (sic) for the title and year of the one movie GroupLens calls
# "unknown" (item 267).
_PLACEHOLDER = "unkonwn"

Row = dict[str, str]


def recbole_to_grouplens(wheel: Path, target: Path) -> None:
    """Write ``u.data``, ``u.item``, ``u.user`` and friends from a RecBole wheel.

    Args:
        wheel: the downloaded ``recbole-*.whl``; it is only read.
        target: the folder that receives the GroupLens files and a
            ``README.txt`` saying where they came from and under which terms.

    Raises:
        DataError: the wheel lacks the MovieLens 100K files, or a line of them
            does not have the expected fields.
    """
    wheel = Path(wheel)
    target = Path(target)
    with zipfile.ZipFile(wheel) as archive:
        ratings = _read_atomic(archive, wheel, "ml-100k.inter")
        items = _read_atomic(archive, wheel, "ml-100k.item")
        users = _read_atomic(archive, wheel, "ml-100k.user", required=False)

    target.mkdir(parents=True, exist_ok=True)
    _write_ratings(ratings, target / "u.data")
    _write_items(items, target / "u.item")
    _write_lines(target / "u.genre", [f"{g}|{i}" for i, g in enumerate(GENRES)] + [""])
    if users is not None:
        _write_users(users, target / "u.user")
        occupations = sorted({row["occupation"] for _, row in users})
        _write_lines(target / "u.occupation", occupations)

    user_count = (
        len(users) if users is not None else len({row["user_id"] for _, row in ratings})
    )
    _write_lines(
        target / "u.info",
        [f"{user_count} users", f"{len(items)} items", f"{len(ratings)} ratings"],
    )
    (target / "README.txt").write_text(_readme(wheel.name), encoding="utf-8")


def _read_atomic(
    archive: zipfile.ZipFile, wheel: Path, name: str, *, required: bool = True
) -> list[tuple[int, Row]] | None:
    """The rows of one atomic file as (line number, field name -> text)."""
    member = _FOLDER + name
    try:
        raw = archive.read(member)
    except KeyError:
        if not required:
            return None
        raise DataError(
            f"{wheel.name} has no {member}; it is not a RecBole wheel that carries "
            "MovieLens 100K (recbole==1.2.1 does)"
        ) from None

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{wheel.name}: {member} is not UTF-8 (byte {exc.start}); RecBole "
            "writes its atomic files in UTF-8"
        ) from None
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if not lines[0]:
        raise DataError(f"{wheel.name}: {member} is empty")
    fields = [column.split(":", 1)[0] for column in lines[0].split("\t")]

    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        values = line.split("\t")
        if len(values) != len(fields):
            raise DataError(
                f"{wheel.name}: {member} line {number}: expected {len(fields)} "
                f"tab-separated fields ({', '.join(fields)}), found {len(values)}"
            )
        rows.append((number, dict(zip(fields, values))))
    return rows


def _write_ratings(rows: list[tuple[int, Row]], path: Path) -> None:
    where = "ml-100k.inter"
    lines = [
        "\t".join(
            _whole(_field(row, key, where, number), where, number)
            for key in ("user_id", "item_id", "rating", "timestamp")
        )
        for number, row in rows
    ]
    _write_lines(path, lines)


def _write_items(rows: list[tuple[int, Row]], path: Path) -> None:
    where = "ml-100k.item"
    lines = []
    for number, row in rows:
        item = _whole(_field(row, "item_id", where, number), where, number)
        title = _title(
            _field(row, "movie_title", where, number), row.get("release_year", "")
        )
        flags = _genre_flags(row.get("class", ""), where, number)
        lines.append("|".join([item, title, "", "", "", *flags]))
    _write_lines(path, lines, encoding="latin-1")


def _write_users(rows: list[tuple[int, Row]], path: Path) -> None:
    where = "ml-100k.user"
    lines = []
    for number, row in rows:
        user = _whole(_field(row, "user_id", where, number), where, number)
        age = _whole(_field(row, "age", where, number), where, number)
        rest = [
            _field(row, key, where, number)
            for key in ("gender", "occupation", "zip_code")
        ]
        lines.append("|".join([user, age, *rest]))
    _write_lines(path, lines)


def _title(title: str, year: str) -> str:
    """The GroupLens title: RecBole's title with its year put back in brackets."""
    if title == _PLACEHOLDER:
        return "unknown"
    return f"{title} ({year})" if year else title


def _genre_flags(text: str, where: str, number: int) -> list[str]:
    names = text.split()
    unknown = [name for name in names if name not in GENRES]
    if unknown:
        raise DataError(
            f"{where} line {number}: genre {unknown[0]!r} is not one of the 19 "
            "MovieLens genres"
        )
    return ["1" if genre in names else "0" for genre in GENRES]


def _field(row: Row, key: str, where: str, number: int) -> str:
    if key not in row:
        raise DataError(f"{where} has no {key} column (line {number})")
    return row[key]


def _whole(text: str, where: str, number: int) -> str:
    """An integer field written without a decimal point (RecBole stores 3 as 3.0)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value.is_integer():
        raise DataError(f"{where} line {number}: expected a whole number, not {text!r}")
    return str(int(value))


def _write_lines(path: Path, lines: Iterable[str], *, encoding: str = "ascii") -> None:
    text = "".join(f"{line}\n" for line in lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise DataError(
            f"{path.name}: {text[exc.start : exc.end]!r} cannot be written in "
            f"{encoding}, the encoding GroupLens uses for it"
        ) from None
    path.write_bytes(data)


def _readme(wheel_name: str) -> str:
    return f"""MovieLens 100K, rebuilt in the GroupLens layout
================================================

These files were written by zoo-recsys from the MovieLens 100K copy that the
RecBole package ships in its wheel ({wheel_name}, folder {_FOLDER}),
because the GroupLens download was not available. The wheel was read, not
installed.

u.data, u.user, u.genre, u.occupation and u.info match the GroupLens archive.
u.item has no release dates and no IMDb URLs: RecBole keeps only the year, which
is written back into each title. The ready-made splits (u1.base ... ub.test) are
missing.

Terms of use
------------
The data belong to GroupLens Research at the University of Minnesota, and their
terms apply to this copy as to the original: use it for research only; do not
redistribute it without their permission; no commercial or revenue-bearing use
without their permission; do not state or imply endorsement by the University of
Minnesota or GroupLens; acknowledge the data set in publications:

  F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History
  and Context. ACM Transactions on Interactive Intelligent Systems 5, 4, 19:1-19:19.

The full terms: https://grouplens.org/datasets/movielens/100k/
"""
