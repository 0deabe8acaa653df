"""Opening a finished (or interrupted) run to evaluate, predict, generate or export."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._lazy import resolve_target
from ..api import build_model
from ..data import DataBundle
from ..data.loading import load_dataset
from ..device import resolve_device
from ..errors import CheckpointError, NotFoundError
from ..registry import get_registry
from ..specs import ModelSpec
from ..tasks.base import Procedure
from .config import RunConfig
from .rundir import WEIGHTS, RunDirectory

__all__ = ["LoadedRun"]


class LoadedRun:
    """A run directory with its model rebuilt and its weights loaded.

    Attributes:
        path: the run directory.
        config: the resolved config as written by ``zoo train``.
        spec: the model's spec from the installed plugin.
        procedure: the task's training procedure.
        model: the model, in eval mode, on :attr:`device`.
        device: where the model lives.
    """

    def __init__(
        self,
        path: Path,
        config: RunConfig,
        spec: ModelSpec,
        procedure: Procedure,
        model: Any,
        device: Any,
    ) -> None:
        self.path = path
        self.run_config = config
        self.spec = spec
        self.procedure = procedure
        self.model = model
        self.device = device

    @property
    def config(self) -> dict[str, Any]:
        return self.run_config.to_dict()

    @property
    def info(self) -> dict[str, Any]:
        return self.run_config.info

    @property
    def hparams(self) -> dict[str, Any]:
        return self.run_config.hparams

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], device: str = "auto", weights: str = WEIGHTS
    ) -> LoadedRun:
        """Rebuild the run's model from its config and load its weights.

        Raises CheckpointError when the folder is not a run, its weights are
        damaged, or the plugin that trained it is not installed.
        """
        run_dir = RunDirectory(Path(path))
        config = RunConfig.read(run_dir.path)
        registry = get_registry()
        try:
            spec = registry.model(config.model)
            task = registry.task(config.task)
        except NotFoundError:
            plugin = config.plugin or "the plugin that provides it"
            raise CheckpointError(
                f"{run_dir.path} needs model {config.model} from {plugin} "
                f"{config.plugin_version}, which is not installed; install it "
                f"(zoo install {config.plugin or 'PLUGIN'})"
            ) from None

        torch_device = resolve_device(device)
        module = build_model(spec, config.hparams, config.info)
        state = run_dir.read_weights(weights)
        try:
            module.load_state_dict(state)
        except RuntimeError as exc:
            first_line = str(exc).splitlines()[0]
            raise CheckpointError(
                f"the weights in {run_dir.path} do not fit {config.model} as "
                f"installed now ({first_line})"
            ) from None
        module.to(torch_device).eval()

        procedure = resolve_target(task.procedure, f"task {task.id}")()
        return cls(run_dir.path, config, spec, procedure, module, torch_device)

    def load_data(self, data_dir: str | os.PathLike[str] | None = None) -> DataBundle:
        """Load the run's dataset with the options and seed it was trained with."""
        dataset = get_registry().dataset(self.run_config.dataset)
        return load_dataset(
            dataset,
            directory=data_dir or self.run_config.data_dir,
            options=self.run_config.dataset_options,
            seed=self.run_config.seed,
            task=self.run_config.task,
        )
