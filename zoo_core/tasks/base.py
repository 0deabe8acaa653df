"""The contract between the runtime and a task's training procedure.

The runtime owns the loop: devices, seeds, samplers, distributed training,
checkpoints, progress and lifecycle hooks. A :class:`Procedure` owns what differs
between tasks: what one training step does, how a split is scored, and how a trained
model answers users (``predict``, ``generate``).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, TrainingError

if TYPE_CHECKING:
    import torch

    from ..data import DataBundle
    from ..runtime.run import LoadedRun

__all__ = ["EvalContext", "GenerateRequest", "Procedure", "StepContext"]


@dataclass
class StepContext:
    """What a training step can see and use.

    Attributes:
        model: the model to call; wrapped in DistributedDataParallel when several
            processes train together.
        module: the plain model underneath, for attributes and sub-modules.
        optimizers: by name, as :meth:`Procedure.configure_optimizers` made them.
        hparams: the run's resolved hyperparameters.
        info: the dataset's metadata.
        device: where the model and the batch live.
        epoch: the current epoch, counted from 1.
        step: steps taken so far in this run.
        state: scratch space that lives for one epoch (a carried hidden state).
        amp: whether bf16 autocast is on.
    """

    model: Any
    module: Any
    optimizers: dict[str, Any]
    hparams: dict[str, Any]
    info: dict[str, Any]
    device: Any
    epoch: int = 1
    step: int = 0
    state: dict[str, Any] = field(default_factory=dict)
    amp: bool = False

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """bf16 autocast when ``--amp`` is on and the device supports it."""
        if not self.amp:
            return contextlib.nullcontext()
        import torch

        return torch.autocast(device_type=self.device.type, dtype=torch.bfloat16)

    def checked(self, loss: torch.Tensor) -> float:
        """The value of ``loss``; a TrainingError if it is not finite.

        Stopping there beats silently filling the weights with NaN.
        """
        value = float(loss.detach())
        if not math.isfinite(value):
            raise TrainingError(
                f"the loss became {value} at epoch {self.epoch}, step {self.step}; "
                "try a smaller --lr"
            )
        return value

    def update(
        self,
        loss: torch.Tensor,
        optimizer: str = "main",
        clip_norm: float | None = None,
        parameters: Iterable[Any] | None = None,
    ) -> float:
        """Back-propagate ``loss`` and step one optimizer; returns the loss value.

        A loss that is not finite stops training (see :meth:`checked`).
        """
        value = self.checked(loss)
        opt = self.optimizers[optimizer]
        opt.zero_grad(set_to_none=True)
        loss.backward()

        if clip_norm:
            import torch

            params = parameters
            if params is None:
                params = [p for group in opt.param_groups for p in group["params"]]
            torch.nn.utils.clip_grad_norm_(params, clip_norm)
        opt.step()
        return value


@dataclass
class EvalContext:
    """What scoring a split can see.

    Attributes:
        model: the plain model, in eval mode.
        bundle: the whole loaded dataset, for tasks that need other splits (a
            recommender excludes items seen in training).
        hparams: the run's resolved hyperparameters.
        info: the dataset's metadata.
        device: where the model lives.
        batch_size: batch size for scoring.
        config: the run's config as ``zoo train`` wrote it (model, dataset and
            its options, data folder), for scoring that needs more of the data
            than the split: a GAN trains its judge classifier on the same dataset.
    """

    model: Any
    bundle: DataBundle
    hparams: dict[str, Any]
    info: dict[str, Any]
    device: Any
    batch_size: int = 256
    config: dict[str, Any] = field(default_factory=dict)


@dataclass
class GenerateRequest:
    """The options of ``zoo generate``; a procedure uses those that apply.

    Attributes:
        num: how many characters, time steps or images to make.
        out: file (or folder, for single images) to write.
        seed: seeds the sampling, so the same seed gives the same sample.
        temperature: divides the logits; below 1 is safer, above 1 wilder.
        prime: text, or a MIDI file path, to start from.
        top_k: sample only among the ``top_k`` likeliest outcomes.
        label: class to generate, for conditional models.
        extra: options a plugin's own command-line front end may pass.
    """

    num: int | None = None
    out: Path | None = None
    seed: int | None = None
    temperature: float = 1.0
    prime: str | None = None
    top_k: int | None = None
    label: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Procedure:
    """Base class of a task's training procedure; subclass it and register a TaskSpec.

    Only :meth:`training_step` and :meth:`evaluate` are required. The defaults use
    one Adam optimizer, a plain DataLoader over the ``train`` split and pick the best
    epoch by the lowest validation ``loss``.
    """

    #: metric keys :meth:`evaluate` returns, in display order
    metrics: tuple[str, ...] = ("loss",)
    #: the metric that picks the best epoch, and whether lower or higher is better
    monitor: str = "loss"
    monitor_mode: str = "min"
    #: the split scored after each epoch, if the dataset has it
    valid_split: str = "valid"
    #: splits scored by ``zoo evaluate`` when none is named
    eval_split: str = "test"
    #: wrap the model in DistributedDataParallel when training on several processes
    ddp: bool = True

    # -- training -----------------------------------------------------------------

    def configure_optimizers(
        self, model: torch.nn.Module, hparams: dict[str, Any]
    ) -> dict[str, Any]:
        """Optimizers by name; the default is Adam over every parameter."""
        import torch

        return {
            "main": torch.optim.Adam(
                model.parameters(),
                lr=hparams.get("lr", 1e-3),
                weight_decay=hparams.get("weight_decay", 0.0) or 0.0,
            )
        }

    def configure_schedulers(
        self, optimizers: dict[str, Any], hparams: dict[str, Any], steps_per_epoch: int
    ) -> dict[str, Any]:
        """Learning-rate schedulers by name, stepped once per epoch; none by default."""
        return {}

    def train_batches(
        self,
        dataset: Any,
        hparams: dict[str, Any],
        sampler: Any,
        info: dict[str, Any],
    ) -> Iterable[Any]:
        """The batches of one epoch, drawn through ``sampler``.

        ``sampler`` yields dataset indices in an order fixed by the seed and the
        epoch (and the process rank, when distributed). Override this for data that
        is not a list of samples, such as one long text stream.
        """
        from torch.utils.data import DataLoader

        return DataLoader(
            dataset, batch_size=hparams.get("batch_size", 64), sampler=sampler
        )

    def start_epoch(self, step: StepContext) -> None:
        """Called before each epoch's first step; reset carried state here."""

    def training_step(self, step: StepContext, batch: Any) -> dict[str, float]:
        """Train on one batch and return its metrics, ``loss`` at least."""
        raise NotImplementedError

    def end_epoch(self, step: StepContext, run_dir: Path) -> None:
        """Called on the writing process after each epoch's checkpoint is saved.

        A place for artefacts a user watches during training, such as a grid of
        generated samples written into ``run_dir``.
        """

    # -- scoring ------------------------------------------------------------------

    def evaluate(self, ctx: EvalContext, split: str) -> dict[str, float]:
        """Score the model on ``split`` and return this task's metrics."""
        raise NotImplementedError

    # -- using a trained model -----------------------------------------------------

    def predict(
        self, run: LoadedRun, inputs: list[str], top_k: int
    ) -> list[dict[str, Any]]:
        """Answer user inputs: one ``{"input": ..., "predictions": [...]}`` each.

        Each prediction is a dict with ``label`` and ``score``.
        """
        raise ConfigError(f"task {run.config['task']} does not support `zoo predict`")

    def generate(self, run: LoadedRun, request: GenerateRequest) -> dict[str, Any]:
        """Make new samples; returns ``{"text": ...}`` or ``{"files": [...]}``."""
        raise ConfigError(f"task {run.config['task']} does not support `zoo generate`")

    def example_inputs(self, info: dict[str, Any]) -> tuple[Any, ...]:
        """Inputs of the right shape for exporting the model's ``forward``."""
        raise ConfigError("this task does not support `zoo export`")


def iterate_in_batches(items: Any, batch_size: int) -> Iterator[Any]:
    """Slices of ``items`` of at most ``batch_size``; handy in ``evaluate``."""
    for start in range(0, len(items), batch_size):
        yield items[start : start + batch_size]
