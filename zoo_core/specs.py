"""The specs that plugins register: models, datasets, tasks and their parameters.

Specs are plain frozen dataclasses. A spec names the code that builds or loads its
object as an ``"module:attribute"`` string, so listing the registry never imports
torch or any model code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError

__all__ = [
    "DatasetSpec",
    "ModelSpec",
    "Param",
    "Source",
    "TaskSpec",
    "parse_overrides",
    "resolve_params",
]

_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*$")
_DATASET_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Param:
    """A typed hyperparameter or option with its default.

    Args:
        name: key used in ``--set name=value`` and in the run config.
        default: value used when nothing overrides it; ``None`` means "unset".
        type: one of ``"int"``, ``"float"``, ``"str"``, ``"bool"``.
        help: one line shown by ``zoo info``.
        choices: allowed values, when the set is closed.
        min: smallest allowed value for numbers.
        max: largest allowed value for numbers.
    """

    name: str
    default: Any
    type: str = "float"
    help: str = ""
    choices: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise ValueError(
                f"Param {self.name!r} has type {self.type!r}; use one of "
                f"{', '.join(_TYPES)}"
            )

    def coerce(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ConfigError."""
        converted = self._convert(value)
        self._check_bounds(converted)
        return converted

    def _convert(self, value: Any) -> Any:
        if value is None:
            return None

        kind = _TYPES[self.type]
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ConfigError(f"{self.name} must be true or false, not {value!r}")

        if isinstance(value, bool) and kind is not str:
            raise ConfigError(f"{self.name} must be a {self.type}, not {value!r}")
        try:
            if kind is int and isinstance(value, float) and not value.is_integer():
                raise ValueError
            return kind(value) if kind is not int else int(str(value).strip())
        except (TypeError, ValueError):
            raise ConfigError(
                f"{self.name} must be a {self.type}, not {value!r}"
            ) from None

    def _check_bounds(self, value: Any) -> None:
        if value is None:
            return
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(str(choice) for choice in self.choices)
            raise ConfigError(f"{self.name} must be one of {allowed}, not {value!r}")
        if self.min is not None and value < self.min:
            raise ConfigError(f"{self.name} must be at least {self.min}, not {value}")
        if self.max is not None and value > self.max:
            raise ConfigError(f"{self.name} must be at most {self.max}, not {value}")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready description for ``zoo info --json``."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


@dataclass(frozen=True)
class ModelSpec:
    """A model that a plugin contributes.

    Args:
        id: ``namespace/name``, for example ``"recsys/mf"``.
        task: the task id whose training procedure trains it.
        summary: one line for ``zoo models``.
        builder: ``"module:function"``; called as ``builder(hparams, info)`` where
            ``info`` is the dataset's metadata; returns a ``torch.nn.Module``.
        params: typed hyperparameters with their defaults. ``epochs``,
            ``batch_size`` and ``lr`` are the ones the ``--epochs``, ``--batch-size``
            and ``--lr`` flags set.
        datasets: ids of datasets it trains on; the first is the default.
        data_tasks: tasks of datasets it accepts when given one it does not name;
            defaults to its own task.
        reference: a paper or page the model follows.
        plugin: filled by the registry with the contributing distribution.
        version: filled by the registry with that distribution's version.
    """

    id: str
    task: str
    summary: str
    builder: str
    params: tuple[Param, ...] = ()
    datasets: tuple[str, ...] = ()
    data_tasks: tuple[str, ...] = ()
    reference: str | None = None
    plugin: str = ""
    version: str = ""

    def __post_init__(self) -> None:
        if not _MODEL_ID.match(self.id):
            raise ValueError(
                f"model id {self.id!r} must look like 'namespace/name' in lower case"
            )
        _check_target(self.builder, f"model {self.id}")
        _check_unique_params(self.params, f"model {self.id}")

    @property
    def namespace(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split("/", 1)[1]

    def accepts(self, dataset: DatasetSpec) -> bool:
        """Whether this model can train on ``dataset``."""
        if dataset.id in self.datasets:
            return True
        return dataset.task in (self.data_tasks or (self.task,))

    def defaults(self) -> dict[str, Any]:
        return {param.name: param.default for param in self.params}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "task": self.task,
            "summary": self.summary,
            "plugin": self.plugin,
            "version": self.version,
            "params": [param.to_dict() for param in self.params],
            "datasets": list(self.datasets),
            "reference": self.reference,
        }


@dataclass(frozen=True)
class Source:
    """One place a dataset, or one file of it, can be downloaded from.

    Sources with the same ``filename`` (or the same last part of the URL) are
    alternatives for one file, tried in the spec's order. A package-index source
    stands in for the first URL source's file, since it rebuilds the whole dataset.
    A dataset made of several files lists one source per file and server.

    Args:
        url: address of the file (``kind="url"``), or a pip requirement such as
            ``"recbole==1.2.1"`` (``kind="package-index"``).
        sha256: checksum of the downloaded file (the wheel, for package sources).
        size: expected size in bytes, used for the progress bar.
        kind: ``"url"`` or ``"package-index"``.
        filename: name to save the download under; defaults to the URL's last part.
        unpack: ``"module:function"`` called as ``unpack(downloaded, target_dir)`` to
            turn the download into the official layout; ``None`` extracts archives
            (zip, tar, gz) or copies plain files.
    """

    url: str
    sha256: str
    size: int | None = None
    kind: str = "url"
    filename: str | None = None
    unpack: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in {"url", "package-index"}:
            raise ValueError(f"source kind {self.kind!r} must be url or package-index")
        if self.unpack is not None:
            _check_target(self.unpack, f"source {self.url}")


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset that a plugin contributes.

    Args:
        id: plain name, for example ``"movielens-100k"``.
        task: the task its samples serve, for example ``"image-classification"``.
        summary: one line for ``zoo datasets``.
        loader: ``"module:function"``; called as ``loader(context)`` with a
            :class:`zoo_core.data.LoadContext`, returns a
            :class:`zoo_core.data.DataBundle`.
        directory: folder inside the data directory that holds it.
        files: files inside ``directory`` that must exist for it to count as present.
        sources: download sources, official first, mirrors after.
        splits: names of the splits the loader offers.
        params: options the loader takes, set with ``--set data.NAME=VALUE``.
        license: the terms a user accepts by fetching it.
        citation: how to cite it.
        homepage: where it is described.
        bundled: shipped inside the plugin, so no data directory is needed.
        plugin: filled by the registry with the contributing distribution.
        version: filled by the registry with that distribution's version.
    """

    id: str
    task: str
    summary: str
    loader: str
    directory: str = ""
    files: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    splits: tuple[str, ...] = ("train", "test")
    params: tuple[Param, ...] = ()
    license: str = ""
    citation: str = ""
    homepage: str = ""
    bundled: bool = False
    plugin: str = ""
    version: str = ""

    def __post_init__(self) -> None:
        if not _DATASET_ID.match(self.id):
            raise ValueError(f"dataset id {self.id!r} must be lower-case, no slash")
        _check_target(self.loader, f"dataset {self.id}")
        _check_unique_params(self.params, f"dataset {self.id}")

    @property
    def origin(self) -> str:
        """Where the data comes from, in a few words."""
        if self.bundled:
            return "bundled with " + (self.plugin or "its plugin")
        if self.sources:
            return self.sources[0].url
        return "your own files"

    def defaults(self) -> dict[str, Any]:
        return {param.name: param.default for param in self.params}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "task": self.task,
            "summary": self.summary,
            "plugin": self.plugin,
            "version": self.version,
            "origin": self.origin,
            "directory": self.directory,
            "splits": list(self.splits),
            "params": [param.to_dict() for param in self.params],
            "license": self.license,
            "citation": self.citation,
            "homepage": self.homepage,
        }


@dataclass(frozen=True)
class TaskSpec:
    """A task and the training procedure that trains its models.

    Args:
        id: for example ``"image-classification"``.
        summary: one line.
        procedure: ``"module:Class"``; the class is instantiated with no arguments
            and must subclass :class:`zoo_core.tasks.Procedure`.
        metrics: metric keys its evaluation reports, in the order shown.
        plugin: filled by the registry with the contributing distribution.
        version: filled by the registry with that distribution's version.
    """

    id: str
    summary: str
    procedure: str
    metrics: tuple[str, ...] = field(default_factory=tuple)
    plugin: str = ""
    version: str = ""

    def __post_init__(self) -> None:
        _check_target(self.procedure, f"task {self.id}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "summary": self.summary,
            "metrics": list(self.metrics),
            "plugin": self.plugin,
            "version": self.version,
        }


def parse_overrides(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Split ``KEY=VALUE`` strings from ``--set`` into a dict, raising ConfigError."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set takes KEY=VALUE, not {pair!r}")
        overrides[key.strip()] = value
    return overrides


def resolve_params(
    params: tuple[Param, ...], overrides: Mapping[str, Any], owner: str
) -> dict[str, Any]:
    """Merge ``overrides`` into the defaults of ``params``, typed and validated.

    An unknown key raises ConfigError listing the valid ones, so a typo never passes
    silently.
    """
    by_name = {param.name: param for param in params}
    unknown = sorted(set(overrides) - set(by_name))
    if unknown:
        valid = ", ".join(sorted(by_name)) or "none"
        raise ConfigError(
            f"{owner} has no parameter {', '.join(unknown)}; valid keys: {valid}"
        )

    resolved = {name: param.default for name, param in by_name.items()}
    for key, value in overrides.items():
        resolved[key] = by_name[key].coerce(value)
    return resolved


def _check_target(target: str, owner: str) -> None:
    module, sep, attribute = target.partition(":")
    if not sep or not module or not attribute:
        raise ValueError(f"{owner}: {target!r} must look like 'package.module:name'")


def _check_unique_params(params: tuple[Param, ...], owner: str) -> None:
    names = [param.name for param in params]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"{owner} declares {', '.join(duplicates)} more than once")
