"""The Python API: browse the registry and build models by id, as the CLI does."""

from __future__ import annotations

import os
from typing import Any

from . import data as _data
from ._lazy import resolve_target
from .errors import ConfigError
from .registry import get_registry
from .specs import DatasetSpec, ModelSpec, resolve_params

__all__ = [
    "build_model",
    "create_model",
    "fetch_dataset",
    "get_dataset_spec",
    "get_model_spec",
    "list_datasets",
    "list_models",
    "load_dataset",
]


def list_models(
    pattern: str | None = None, *, task: str | None = None, plugin: str | None = None
) -> list[str]:
    """Ids of registered models matching a shell-style ``pattern``, sorted."""
    specs = get_registry().find_models(pattern, task=task, plugin=plugin)
    return [spec.id for spec in specs]


def get_model_spec(model_id: str) -> ModelSpec:
    """The spec of a registered model; NotFoundError if nothing registered it."""
    return get_registry().model(model_id)


def list_datasets(pattern: str | None = None, *, task: str | None = None) -> list[str]:
    """Ids of registered datasets matching a shell-style ``pattern``, sorted."""
    return [spec.id for spec in get_registry().find_datasets(pattern, task=task)]


def get_dataset_spec(dataset_id: str) -> DatasetSpec:
    """The spec of a registered dataset; NotFoundError if nothing registered it."""
    return get_registry().dataset(dataset_id)


def create_model(
    model_id: str, info: dict[str, Any] | None = None, **overrides: Any
) -> Any:
    """Build a model by id with hyperparameter overrides, as ``timm.create_model``.

    Args:
        model_id: a registered id such as ``"cnn/lenet5"``.
        info: the dataset metadata the model is sized from (classes, input shape,
            vocabulary...). Without it, the builder's own defaults apply.
        **overrides: hyperparameters, checked against the spec.

    Returns:
        A freshly initialised ``torch.nn.Module``.
    """
    spec = get_model_spec(model_id)
    hparams = resolve_params(spec.params, overrides, f"model {spec.id}")
    return build_model(spec, hparams, info or {})


def build_model(spec: ModelSpec, hparams: dict[str, Any], info: dict[str, Any]) -> Any:
    """Call the spec's builder; a builder that fails on bad sizes says so plainly."""
    builder = resolve_target(spec.builder, f"model {spec.id}")
    try:
        return builder(hparams, info)
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"model {spec.id} could not be built with these settings: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def load_dataset(
    dataset_id: str,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    seed: int = 0,
    **options: Any,
) -> _data.DataBundle:
    """Load a registered dataset from the data directory."""
    from .data.loading import load_dataset as load

    return load(
        get_dataset_spec(dataset_id), directory=data_dir, options=options, seed=seed
    )


def fetch_dataset(
    dataset_id: str,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Any:
    """Download, verify and extract a registered dataset; returns its folder."""
    from .data.fetch import fetch

    return fetch(get_dataset_spec(dataset_id), data_dir, force=force)
