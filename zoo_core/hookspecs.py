"""Hook specifications: every way a plugin can extend the zoo.

A plugin is a module (named by an entry point in the ``zoo`` group) with functions
decorated by :data:`hookimpl` whose names match the specs below. Registration hooks
receive a ``register`` callback rather than returning values, so one call can add
several specs and the zoo knows which plugin added each.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .specs import DatasetSpec, ModelSpec, TaskSpec

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "zoo"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def zoo_register_models(register: Callable[[ModelSpec], None]) -> None:
    """Called once when the registry is built, to add models.

    Args:
        register: call it with one :class:`~zoo_core.specs.ModelSpec` per model.

    Returns:
        Nothing; return values are ignored.
    """


@hookspec
def zoo_register_datasets(register: Callable[[DatasetSpec], None]) -> None:
    """Called once when the registry is built, to add datasets.

    Args:
        register: call it with one :class:`~zoo_core.specs.DatasetSpec` per dataset.

    Returns:
        Nothing; return values are ignored.
    """


@hookspec
def zoo_register_tasks(register: Callable[[TaskSpec], None]) -> None:
    """Called once when the registry is built, to add tasks and their training
    procedures.

    Args:
        register: call it with one :class:`~zoo_core.specs.TaskSpec` per task.

    Returns:
        Nothing; return values are ignored.
    """


@hookspec
def zoo_on_fit_start(run_dir: Path, config: dict[str, Any]) -> None:
    """Called on the writing process just before the first training epoch.

    Args:
        run_dir: the run directory being written.
        config: the resolved run config (model, dataset, hyperparameters, seed).

    Returns:
        Nothing.
    """


@hookspec
def zoo_on_epoch_end(run_dir: Path, epoch: int, metrics: dict[str, float]) -> None:
    """Called on the writing process after each epoch's metrics are known.

    Args:
        run_dir: the run directory being written.
        epoch: the epoch that just ended, counted from 1.
        metrics: that epoch's metrics, keys prefixed ``train_`` and ``valid_``.

    Returns:
        Nothing.
    """


@hookspec
def zoo_on_checkpoint_saved(run_dir: Path, epoch: int, path: Path) -> None:
    """Called on the writing process after a checkpoint is complete on disk.

    Args:
        run_dir: the run directory being written.
        epoch: the epoch the checkpoint holds.
        path: the checkpoint folder.

    Returns:
        Nothing.
    """


@hookspec
def zoo_on_fit_end(run_dir: Path, metrics: dict[str, float]) -> None:
    """Called on the writing process once training has finished.

    Args:
        run_dir: the finished run directory.
        metrics: the last epoch's metrics.

    Returns:
        Nothing.
    """
