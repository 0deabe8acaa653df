"""Loading a registered dataset from the data directory."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._lazy import resolve_target
from ..errors import DataError, DatasetMissingError
from ..specs import DatasetSpec, resolve_params
from .bundle import DataBundle, LoadContext, missing_message
from .dirs import cache_dir, data_dir

__all__ = ["dataset_root", "is_present", "load_dataset"]

logger = logging.getLogger(__name__)


def dataset_root(spec: DatasetSpec, directory: str | os.PathLike[str] | None) -> Path:
    """The dataset's folder inside the data directory."""
    return data_dir(directory) / spec.directory


def is_present(spec: DatasetSpec, directory: str | os.PathLike[str] | None) -> bool:
    """Whether every file the spec lists is in the data directory."""
    if spec.bundled:
        return True
    root = dataset_root(spec, directory)
    return all((root / name).exists() for name in spec.files) and root.is_dir()


def load_dataset(
    spec: DatasetSpec,
    *,
    directory: str | os.PathLike[str] | None = None,
    options: Mapping[str, Any] | None = None,
    seed: int = 0,
    task: str | None = None,
) -> DataBundle:
    """Load ``spec`` with its options resolved against the spec's parameters.

    ``task`` names the task of the model the data is for, when known.

    Raises DatasetMissingError, naming where it looked and how to fetch, when the
    files are not there; DataError when they are malformed.
    """
    resolved = resolve_params(spec.params, options or {}, f"dataset {spec.id}")
    root = dataset_root(spec, directory)
    if not spec.bundled:
        for name in spec.files:
            if not (root / name).exists():
                raise DatasetMissingError(missing_message(spec, root / name))

    context = LoadContext(
        spec=spec,
        root=root,
        cache_dir=cache_dir("datasets", spec.id),
        options=resolved,
        seed=seed,
        task=task,
    )
    loader = resolve_target(spec.loader, f"dataset {spec.id}")
    logger.debug("loading %s from %s", spec.id, root)
    bundle = loader(context)
    if not isinstance(bundle, DataBundle):
        raise DataError(
            f"dataset {spec.id}: its loader returned {type(bundle).__name__}, "
            "not a DataBundle; this is a bug in plugin " + (spec.plugin or "?")
        )
    return bundle
