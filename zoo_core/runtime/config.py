"""The resolved configuration of a run: what was trained, on what, and how.

It is written to ``config.json`` in the run directory and is enough to rebuild the
model and its data without the original command line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import CheckpointError, ConfigError
from ..registry import Registry
from ..specs import ModelSpec, Param, resolve_params

__all__ = [
    "RunConfig",
    "load_config_file",
    "model_params",
    "resolve_run_config",
    "split_overrides",
]

DATA_PREFIX = "data."

STANDARD_PARAMS = (
    Param("epochs", 10, "int", "passes over the training split", min=1),
    Param("batch_size", 64, "int", "samples per training step", min=1),
    Param("lr", 1e-3, "float", "learning rate", min=0.0),
)


@dataclass
class RunConfig:
    """Everything needed to rebuild, evaluate, resume or export a run."""

    model: str
    task: str
    dataset: str
    dataset_options: dict[str, Any]
    hparams: dict[str, Any]
    seed: int
    device: str = "auto"
    amp: bool = False
    compile: bool = False
    data_dir: str | None = None
    plugin: str = ""
    plugin_version: str = ""
    dataset_plugin: str = ""
    zoo_core_version: str = __version__
    info: dict[str, Any] = field(default_factory=dict)
    world_size: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunConfig:
        known = {name for name in cls.__dataclass_fields__}
        missing = {"model", "task", "dataset", "hparams"} - set(data)
        if missing:
            raise CheckpointError(
                f"run config lacks {', '.join(sorted(missing))}; it was not written "
                "by zoo train"
            )
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def read(cls, run_dir: Path) -> RunConfig:
        path = run_dir / "config.json"
        if not run_dir.is_dir():
            raise CheckpointError(f"{run_dir} is not a directory")
        if not path.exists():
            raise CheckpointError(
                f"{run_dir} is not a run directory (no config.json); pass a folder "
                "written by zoo train"
            )
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as exc:
            raise CheckpointError(f"{path} is damaged: {exc}") from None


def model_params(spec: ModelSpec) -> tuple[Param, ...]:
    """The spec's parameters plus the standard training ones it does not declare."""
    declared = {param.name for param in spec.params}
    return spec.params + tuple(p for p in STANDARD_PARAMS if p.name not in declared)


def split_overrides(
    overrides: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separate model keys from ``data.``-prefixed dataset keys."""
    model_keys = {k: v for k, v in overrides.items() if not k.startswith(DATA_PREFIX)}
    data_keys = {
        k[len(DATA_PREFIX) :]: v
        for k, v in overrides.items()
        if k.startswith(DATA_PREFIX)
    }
    return model_keys, data_keys


def resolve_run_config(
    registry: Registry,
    model_id: str,
    dataset_id: str | None,
    overrides: Mapping[str, Any],
    *,
    seed: int = 0,
    device: str = "auto",
    amp: bool = False,
    compile: bool = False,
    data_dir: str | None = None,
) -> RunConfig:
    """Check the model, dataset and every override against their specs."""
    spec = registry.model(model_id)
    if dataset_id is None:
        if not spec.datasets:
            raise ConfigError(f"model {spec.id} has no default dataset; pass --dataset")
        dataset_id = spec.datasets[0]
    dataset = registry.dataset(dataset_id)
    if not spec.accepts(dataset):
        names = ", ".join(spec.datasets) or "none named"
        raise ConfigError(
            f"model {spec.id} ({spec.task}) cannot train on dataset {dataset.id} "
            f"({dataset.task}); it trains on: {names}"
        )
    registry.task(spec.task)

    model_keys, data_keys = split_overrides(overrides)
    hparams = resolve_params(model_params(spec), model_keys, f"model {spec.id}")
    options = resolve_params(dataset.params, data_keys, f"dataset {dataset.id}")
    return RunConfig(
        model=spec.id,
        task=spec.task,
        dataset=dataset.id,
        dataset_options=options,
        hparams=hparams,
        seed=seed,
        device=device,
        amp=amp,
        compile=compile,
        data_dir=data_dir,
        plugin=spec.plugin,
        plugin_version=spec.version,
        dataset_plugin=dataset.plugin,
    )


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a flat ``KEY = VALUE`` mapping from a JSON or TOML file.

    Keys are the same as for ``--set``; ``data.``-prefixed keys (or a ``[data]``
    table in TOML) set dataset options.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None

    try:
        if path.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"config file {path} is malformed: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of keys to values")

    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{inner}": v for inner, v in value.items()})
        else:
            flat[key] = value
    return flat
