"""Datasets: where they live, how they are loaded, fetched and split."""

from .bundle import DataBundle, LoadContext
from .dirs import cache_dir, data_dir

__all__ = ["DataBundle", "LoadContext", "cache_dir", "data_dir"]
