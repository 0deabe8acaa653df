"""Where datasets and caches live on this machine.

The data directory may be read-only (a shared copy, say): loaders only read it, and
anything derived from it goes to the cache directory instead.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir", "data_dir"]


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``override``, else ``ZOO_DATA_DIR``, else the user cache."""
    if override:
        return Path(override).expanduser()
    from_env = os.environ.get("ZOO_DATA_DIR")
    if from_env:
        return Path(from_env).expanduser()
    return _user_cache() / "datasets"


def cache_dir(*parts: str) -> Path:
    """A writable folder for derived files, created on demand.

    ``ZOO_CACHE_DIR`` moves it; by default it sits in the user cache directory.
    """
    root = Path(os.environ.get("ZOO_CACHE_DIR") or _user_cache() / "cache")
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _user_cache() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("zoo", appauthor=False))
