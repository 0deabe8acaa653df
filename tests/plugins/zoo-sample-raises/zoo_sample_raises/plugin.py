"""Every hook of this plugin raises, so tests can check the others keep working."""

from __future__ import annotations

from typing import Any

from zoo_core import hookimpl


class SampleFailure(RuntimeError):
    """What each hook raises; the message names the hook."""


@hookimpl
def zoo_register_models(register: Any) -> None:
    raise SampleFailure("zoo_register_models is broken on purpose")


@hookimpl
def zoo_register_datasets(register: Any) -> None:
    raise SampleFailure("zoo_register_datasets is broken on purpose")


@hookimpl
def zoo_register_tasks(register: Any) -> None:
    raise SampleFailure("zoo_register_tasks is broken on purpose")


@hookimpl
def zoo_on_fit_start(run_dir: Any, config: Any) -> None:
    raise SampleFailure("zoo_on_fit_start is broken on purpose")


@hookimpl
def zoo_on_epoch_end(run_dir: Any, epoch: Any, metrics: Any) -> None:
    raise SampleFailure("zoo_on_epoch_end is broken on purpose")


@hookimpl
def zoo_on_checkpoint_saved(run_dir: Any, epoch: Any, path: Any) -> None:
    raise SampleFailure("zoo_on_checkpoint_saved is broken on purpose")


@hookimpl
def zoo_on_fit_end(run_dir: Any, metrics: Any) -> None:
    raise SampleFailure("zoo_on_fit_end is broken on purpose")
