"""What a dataset loader receives and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, DatasetMissingError
from ..specs import DatasetSpec

__all__ = ["DataBundle", "LoadContext"]


@dataclass
class LoadContext:
    """Everything a loader needs to read one dataset.

    Attributes:
        spec: the dataset's spec.
        root: the dataset's folder in the data directory; it may be read-only.
        cache_dir: a writable folder for this dataset's derived files.
        options: the dataset's resolved parameters (``--set data.NAME=VALUE``).
        seed: the run's seed, for splits that are drawn at random.
        task: the task of the model the data is loaded for, when known; a dataset
            that serves several tasks can pick its default split by it.
    """

    spec: DatasetSpec
    root: Path
    cache_dir: Path
    options: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    task: str | None = None

    def path(self, *parts: str) -> Path:
        """A file inside :attr:`root`; a clear error if it is not there."""
        path = self.root.joinpath(*parts)
        if not path.exists():
            raise DatasetMissingError(missing_message(self.spec, path))
        return path


@dataclass
class DataBundle:
    """A loaded dataset: its splits and the metadata models are built from.

    Attributes:
        splits: split name to data, usually a ``torch.utils.data.Dataset``; the
            task's procedure decides how to batch it.
        info: JSON-ready facts about the data (classes, input shape, vocabulary,
            user and item counts, normalisation) stored in the run config so a
            model can be rebuilt and used without loading the data again.
    """

    splits: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)

    def split(self, name: str) -> Any:
        """The split called ``name``; a clear error naming those that exist."""
        if name not in self.splits:
            have = ", ".join(sorted(self.splits)) or "none"
            raise DataError(f"this dataset has no split {name!r}; it has {have}")
        return self.splits[name]


def missing_message(spec: DatasetSpec, path: Path) -> str:
    """One line saying where a dataset was looked for and how to get it."""
    if spec.sources:
        fix = (
            f"run `zoo data fetch {spec.id}`, or point --data-dir or ZOO_DATA_DIR "
            "at a folder that has it"
        )
    else:
        fix = "point the dataset's path option at your files"
    return f"dataset {spec.id}: {path} does not exist; {fix}"
