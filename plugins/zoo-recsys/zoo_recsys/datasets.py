"""Loaders for MovieLens and for a user's own ratings file.

Each loader reads the ratings once (later loads come from a cache in the cache
directory, since the data directory may be read-only), maps the file's ids to
contiguous indices, splits the ratings by the protocol the options ask for (see
:mod:`zoo_recsys.splitting`) and returns one :class:`Interactions` per split.

``info`` holds what a model is sized from and what a procedure needs without the
data: ``num_users``, ``num_items``, ``global_mean`` (of the training ratings),
``rating_min`` and ``rating_max``, and the resolved ``protocol``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from zoo_core.data import DataBundle, LoadContext
from zoo_core.errors import DataError
from zoo_core.formats import movielens

from .interactions import Catalog, Interactions
from .splitting import resolve_protocol, split_rows

__all__ = ["load_movielens_100k", "load_movielens_1m", "load_ratings_csv"]

logger = logging.getLogger(__name__)

#: bump when the cached arrays change meaning, so old caches are ignored
_CACHE_VERSION = 1


def load_movielens_100k(ctx: LoadContext) -> DataBundle:
    """MovieLens 100K: ``u.data`` ratings, titles from ``u.item``."""
    ratings_file, items_file = ctx.path("u.data"), ctx.path("u.item")
    ratings = _cached(ctx, ratings_file, movielens.read_ml100k_ratings)
    titles = _title_reader(movielens.read_ml100k_items, items_file)
    return _bundle(ctx, ratings, titles, rating_range=(1.0, 5.0))


def load_movielens_1m(ctx: LoadContext) -> DataBundle:
    """MovieLens 1M: ``ratings.dat`` ratings, titles from ``movies.dat``."""
    ratings_file, movies_file = ctx.path("ratings.dat"), ctx.path("movies.dat")
    ratings = _cached(ctx, ratings_file, movielens.read_ml1m_ratings)
    titles = _title_reader(movielens.read_ml1m_movies, movies_file)
    return _bundle(ctx, ratings, titles, rating_range=(1.0, 5.0))


def load_ratings_csv(ctx: LoadContext) -> DataBundle:
    """A ratings table with a header line, its columns named by the options."""
    options = ctx.options
    if not options.get("path"):
        raise DataError(
            "dataset ratings-csv needs the file: --set data.path=FILE (with "
            "data.user_col, data.item_col, data.rating_col naming its columns)"
        )
    path = Path(str(options["path"])).expanduser()
    if not path.is_file():
        raise DataError(f"ratings file {path} does not exist; check data.path")

    def read(file: Path) -> movielens.Ratings:
        return movielens.read_ratings_csv(
            file,
            user_col=options["user_col"],
            item_col=options["item_col"],
            rating_col=options["rating_col"],
            sep=options["sep"],
            rating_min=options.get("rating_min"),
            rating_max=options.get("rating_max"),
        )

    ratings = _cached(ctx, path, read, key_extra=repr(sorted(options.items())))
    low = options.get("rating_min")
    high = options.get("rating_max")
    observed = ratings["ratings"]
    rating_range = (
        float(observed.min()) if low is None else float(low),
        float(observed.max()) if high is None else float(high),
    )
    return _bundle(ctx, ratings, None, rating_range)


def _bundle(
    ctx: LoadContext,
    arrays: dict[str, np.ndarray],
    titles: Callable[[], dict[Any, str]] | None,
    rating_range: tuple[float, float],
) -> DataBundle:
    """Split the ratings and wrap each split; ``info`` from the training part."""
    catalog = Catalog(arrays["user_ids"], arrays["item_ids"], titles)
    everything = Interactions(
        torch.tensor(arrays["users"], dtype=torch.long),
        torch.tensor(arrays["items"], dtype=torch.long),
        torch.tensor(arrays["ratings"], dtype=torch.float32),
        catalog,
    )

    protocol = resolve_protocol(ctx.options["split"], ctx.task)
    rows = split_rows(arrays["users"], protocol, ctx.options, ctx.seed)
    splits = {name: everything.subset(index) for name, index in rows.items()}
    if len(splits["train"]) == 0:
        raise DataError(f"dataset {ctx.spec.id}: the training split is empty")

    info = {
        "num_users": catalog.num_users,
        "num_items": catalog.num_items,
        "num_ratings": len(everything),
        "global_mean": round(float(splits["train"].ratings.double().mean()), 6),
        "rating_min": rating_range[0],
        "rating_max": rating_range[1],
        "protocol": protocol,
        "split_sizes": {name: len(split) for name, split in splits.items()},
    }
    return DataBundle(splits=splits, info=info)


def _cached(
    ctx: LoadContext,
    path: Path,
    read: Callable[[Path], Any],
    key_extra: str = "",
) -> dict[str, np.ndarray]:
    """The file's ratings as index arrays, from the cache when the file is unchanged.

    The cache key covers the file's path, size and modification time, so an edited
    file is read again.
    """
    stat = path.stat()
    key = f"{_CACHE_VERSION}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    digest = hashlib.sha256((key + key_extra).encode()).hexdigest()[:20]
    cache_file = ctx.cache_dir / f"ratings-{digest}.npz"
    if cache_file.exists():
        try:
            with np.load(cache_file, allow_pickle=False) as stored:
                return {name: stored[name] for name in stored.files}
        except (OSError, ValueError, KeyError):
            logger.warning("ignoring the unreadable cache file %s", cache_file)

    arrays = _encode(read(path))
    _write_cache(cache_file, arrays)
    return arrays


def _encode(table: Any) -> dict[str, np.ndarray]:
    """Contiguous indices from a frame of file ids, or from encoded Ratings."""
    encoded = table if isinstance(table, movielens.Ratings) else None
    if encoded is None:
        encoded = movielens.encode_ids(table)
    frame = encoded.frame
    if len(frame) == 0:
        raise DataError("the ratings file holds no ratings")
    return {
        "users": frame["user_id"].to_numpy(np.int64),
        "items": frame["item_id"].to_numpy(np.int64),
        "ratings": frame["rating"].to_numpy(np.float32),
        "user_ids": _plain_ids(encoded.user_ids),
        "item_ids": _plain_ids(encoded.item_ids),
    }


def _plain_ids(ids: np.ndarray) -> np.ndarray:
    """Ids as int64 when they are all integers, else as text (no pickled objects)."""
    values = np.asarray(ids)
    if values.dtype.kind in "iu":
        return values.astype(np.int64)
    return values.astype(str)


def _write_cache(cache_file: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write the cache atomically; a cache that cannot be written is only a warning."""
    temporary = cache_file.with_name(cache_file.name + ".tmp.npz")
    try:
        np.savez(temporary, **arrays)
        temporary.replace(cache_file)
    except OSError as exc:
        logger.warning("could not write the cache %s: %s", cache_file, exc)
        temporary.unlink(missing_ok=True)


def _title_reader(
    read_items: Callable[[Path], Any], path: Path
) -> Callable[[], dict[Any, str]]:
    """A function that reads ``{item id: title}`` from ``path`` when called."""

    def titles() -> dict[Any, str]:
        frame = read_items(path)
        return dict(zip(frame["item_id"].tolist(), frame["title"].tolist()))

    return titles
