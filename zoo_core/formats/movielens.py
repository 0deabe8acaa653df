"""MovieLens files (GroupLens layout) and generic ratings CSV files.

Every reader returns a pandas frame whose rating tables share one layout:
``user_id`` (int64), ``item_id`` (int64), ``rating`` (float32), ``timestamp``
(int64). MovieLens readers keep the ids exactly as the file writes them (1-based);
:func:`encode_ids` maps them to contiguous 0-based indices when a model needs
embedding rows.

MovieLens data is under the GroupLens terms (research use, no redistribution):
these functions read a user's copy; nothing here ships the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from ._files import PathLike
from ._table import Column, read_table

__all__ = [
    "ML100K_GENRES",
    "Ratings",
    "check_known_ids",
    "encode_ids",
    "read_ml100k_items",
    "read_ml100k_ratings",
    "read_ml1m_movies",
    "read_ml1m_ratings",
    "read_ratings_csv",
]

RATING_COLUMNS = ("user_id", "item_id", "rating", "timestamp")

#: The 19 genre flags of ``u.item``, in file order (as listed in ``u.genre``).
ML100K_GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)

_ML_RATING_FIELDS = (
    Column("user_id", "int", low=1, label="user id"),
    Column("item_id", "int", low=1, label="item id"),
    Column("rating", "int", low=1, high=5),
    Column("timestamp", "int", low=0),
)


@dataclass(frozen=True)
class Ratings:
    """A ratings table whose ids were mapped to contiguous indices.

    Attributes:
        frame: ``user_id`` and ``item_id`` as 0-based int64 indices, ``rating``
            float32, ``timestamp`` int64 (0 where the file had no timestamps).
            Row ``i`` is the ``i``-th data line of the file.
        user_ids: the file's id of each user index: ``user_ids[k]`` is the id
            written in the file for index ``k`` (strings or ints as read).
        item_ids: the same for items.
    """

    frame: pd.DataFrame
    user_ids: np.ndarray
    item_ids: np.ndarray

    @property
    def num_users(self) -> int:
        return len(self.user_ids)

    @property
    def num_items(self) -> int:
        return len(self.item_ids)


def read_ml100k_ratings(path: PathLike) -> pd.DataFrame:
    """Read MovieLens 100K ``u.data``: tab-separated ints, ratings 1 to 5.

    Raises:
        DatasetMissingError: the file does not exist.
        DataError: naming the line of the first malformed or out-of-range value.
    """
    frame = read_table(
        path, _ML_RATING_FIELDS, sep="\t", expected="MovieLens 100K ratings (u.data)"
    )
    return _rating_dtypes(frame)


def read_ml1m_ratings(path: PathLike) -> pd.DataFrame:
    """Read MovieLens 1M ``ratings.dat``: ``UserID::MovieID::Rating::Timestamp``."""
    frame = read_table(
        path, _ML_RATING_FIELDS, sep="::", expected="MovieLens 1M ratings"
    )
    return _rating_dtypes(frame)


def read_ml100k_items(path: PathLike) -> pd.DataFrame:
    """Read MovieLens 100K ``u.item`` (pipe-separated, latin-1).

    Returns:
        ``item_id`` (int64), ``title`` (str) and ``genres`` (a tuple of genre
        names from :data:`ML100K_GENRES`), one row per line.

    Raises:
        DataError: a malformed line, a genre flag other than 0/1, or an item id
            that appears twice.
    """
    fields = [
        Column("item_id", "int", low=1, label="movie id"),
        Column("title", "str"),
        Column("release_date", "str"),
        Column("video_release_date", "str"),
        Column("imdb_url", "str"),
        *(
            Column(f"genre_{i}", "int", 0, 1, f"{g} flag")
            for i, g in enumerate(ML100K_GENRES)
        ),
    ]
    frame = read_table(
        path,
        fields,
        sep="|",
        encoding="latin-1",
        expected="MovieLens 100K movies (u.item)",
    )

    flags = frame[[f"genre_{i}" for i in range(len(ML100K_GENRES))]].to_numpy(bool)
    names = np.array(ML100K_GENRES, dtype=object)
    items = pd.DataFrame(
        {
            "item_id": frame["item_id"].to_numpy(np.int64),
            "title": frame["title"].to_numpy(object),
            "genres": [tuple(names[row]) for row in flags],
        }
    )
    _require_unique(items["item_id"].to_numpy(), path, "movie id")
    return items


def read_ml1m_movies(path: PathLike) -> pd.DataFrame:
    """Read MovieLens 1M ``movies.dat``: ``MovieID::Title::Genres`` in latin-1.

    Returns:
        ``item_id`` (int64), ``title`` (str), ``genres`` (tuple of names, split
        on ``|``).
    """
    fields = [
        Column("item_id", "int", low=1, label="movie id"),
        Column("title", "str"),
        Column("genres", "str"),
    ]
    frame = read_table(
        path, fields, sep="::", encoding="latin-1", expected="MovieLens 1M movies"
    )

    items = pd.DataFrame(
        {
            "item_id": frame["item_id"].to_numpy(np.int64),
            "title": frame["title"].to_numpy(object),
            "genres": [tuple(g.split("|")) if g else () for g in frame["genres"]],
        }
    )
    _require_unique(items["item_id"].to_numpy(), path, "movie id")
    return items


def read_ratings_csv(
    path: PathLike,
    *,
    user_col: str = "user_id",
    item_col: str = "item_id",
    rating_col: str = "rating",
    timestamp_col: str | None = None,
    sep: str = ",",
    rating_min: float | None = None,
    rating_max: float | None = None,
    encoding: str = "utf-8",
) -> Ratings:
    """Read a ratings table with a header line, such as a user's own CSV export.

    User and item ids may be any text; they are mapped to contiguous indices in
    order of first appearance (see :func:`encode_ids`). Fields may be quoted
    (``"..."``); columns other than the four named ones are ignored.

    Args:
        path: the file.
        user_col: header name of the user id column.
        item_col: header name of the item id column.
        rating_col: header name of the rating column (any number).
        timestamp_col: header name of an integer timestamp column; ``None`` sets
            every timestamp to 0.
        sep: the field separator.
        rating_min: smallest allowed rating, if any.
        rating_max: largest allowed rating, if any.
        encoding: the file's text encoding.

    Returns:
        :class:`Ratings`; ``frame`` row ``i`` is line ``i + 2`` of the file.

    Raises:
        DataError: a named column is missing (the message lists the columns the
            header has), a line is malformed, or a rating is out of range.
    """
    fields = [
        Column(user_col, "str", allow_empty=False),
        Column(item_col, "str", allow_empty=False),
        Column(rating_col, "float", rating_min, rating_max),
    ]
    if timestamp_col is not None:
        fields.append(Column(timestamp_col, "int"))
    frame = read_table(
        path,
        fields,
        sep=sep,
        encoding=encoding,
        header=True,
        quoting=True,
        expected="a ratings table",
    )

    renamed = pd.DataFrame(
        {
            "user_id": frame[user_col].to_numpy(object),
            "item_id": frame[item_col].to_numpy(object),
            "rating": frame[rating_col].to_numpy(np.float32),
            "timestamp": (
                frame[timestamp_col].to_numpy(np.int64)
                if timestamp_col is not None
                else np.zeros(len(frame), np.int64)
            ),
        }
    )
    return encode_ids(renamed)


def encode_ids(frame: pd.DataFrame) -> Ratings:
    """Map ``user_id`` and ``item_id`` to 0-based indices, in first-seen order.

    First-seen order (not sorted order) is what RecBole uses too, so both number
    the same users alike on the same file.
    """
    users, user_ids = pd.factorize(frame["user_id"], sort=False)
    items, item_ids = pd.factorize(frame["item_id"], sort=False)
    encoded = pd.DataFrame(
        {
            "user_id": users.astype(np.int64),
            "item_id": items.astype(np.int64),
            "rating": frame["rating"].to_numpy(np.float32),
            "timestamp": frame["timestamp"].to_numpy(np.int64),
        }
    )
    return Ratings(encoded, np.asarray(user_ids), np.asarray(item_ids))


def check_known_ids(
    ids: np.ndarray | pd.Series,
    known: Sequence[int] | np.ndarray | pd.Series,
    *,
    path: PathLike,
    what: str = "item id",
    first_line: int = 1,
) -> None:
    """Raise at the first id in ``ids`` that is not in ``known``.

    For a ratings file that must only name movies of its item file, for example.

    Args:
        ids: ids as read, row ``i`` from line ``first_line + i`` of ``path``.
        known: every valid id.
        path: the file the ids came from, for the message.
        what: what the id is, for the message.
        first_line: the line number of row 0 (2 for a file with a header).
    """
    values = np.asarray(ids)
    unknown = ~np.isin(values, np.asarray(known))
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise DataError(
            f"{path}, line {row + first_line}: unknown {what} {values[row]}; "
            f"expected one of the {len(np.unique(np.asarray(known)))} known ids"
        )


def _rating_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": frame["user_id"].to_numpy(np.int64),
            "item_id": frame["item_id"].to_numpy(np.int64),
            "rating": frame["rating"].to_numpy(np.float32),
            "timestamp": frame["timestamp"].to_numpy(np.int64),
        }
    )


def _require_unique(ids: np.ndarray, path: PathLike, what: str) -> None:
    """Raise naming both lines when an id appears twice (rows are lines)."""
    _, first, counts = np.unique(ids, return_index=True, return_counts=True)
    if (counts == 1).all():
        return

    seen: dict[int, int] = {}
    for row, value in enumerate(ids.tolist()):
        if value in seen:
            raise DataError(
                f"{path}, line {row + 1}: {what} {value} already appeared on line "
                f"{seen[value] + 1}; expected each {what} once"
            )
        seen[value] = row
