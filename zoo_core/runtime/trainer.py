"""One training loop for every task.

The loop owns what all tasks share: seeding, device placement, the order of
samples, distributed training, checkpoints, resuming, progress, metrics and the
lifecycle hooks. What differs between tasks comes from the task's Procedure.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .._lazy import resolve_target
from ..api import build_model
from ..data.loading import load_dataset
from ..device import resolve_device
from ..errors import CheckpointError, ConfigError, NotFoundError
from ..registry import Registry, get_registry
from ..tasks.base import EvalContext, Procedure, StepContext
from .config import RunConfig, resolve_run_config, split_overrides
from .distributed import Distributed, setup_distributed
from .rundir import LAST, NOT_METRICS, WEIGHTS, RunDirectory
from .seeding import capture_rng, restore_rng, seed_everything

__all__ = ["TrainRequest", "TrainResult", "default_run_dir", "train"]

logger = logging.getLogger(__name__)


@dataclass
class TrainRequest:
    """What ``zoo train`` was asked to do.

    Attributes:
        model: model id; not needed with ``resume``.
        dataset: dataset id; the model's first listed dataset when omitted.
        overrides: hyperparameters and ``data.``-prefixed dataset options.
        seed: seeds every generator; the same seed repeats a CPU run bit for bit.
        device: ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.
        data_dir: data directory; ``ZOO_DATA_DIR`` or the user cache when omitted.
        out: run directory to create; ``runs/<model>-<time>`` when omitted.
        resume: run directory to continue from its last complete checkpoint.
        amp: bf16 autocast where the device supports it (CUDA, CPUs with bf16
            instructions).
        compile: wrap the model with ``torch.compile``.
        progress: show a progress bar on stderr.
    """

    model: str | None = None
    dataset: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    device: str = "auto"
    data_dir: str | Path | None = None
    out: Path | None = None
    resume: Path | None = None
    amp: bool = False
    compile: bool = False
    progress: bool = True


@dataclass
class TrainResult:
    """Where the run was written and how its last epoch scored."""

    run_dir: Path
    metrics: dict[str, float]
    history: list[dict[str, Any]]
    config: dict[str, Any]


def default_run_dir(model_id: str) -> Path:
    """``runs/<namespace>-<name>-<timestamp>`` under the working directory."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{model_id.replace('/', '-')}-{stamp}"


def train(request: TrainRequest) -> TrainResult:
    """Train a model as the request says and return where the run was written.

    Gradients are switched on for the whole run, so a caller inside ``no_grad``
    (an evaluation that trains a helper model it needs) still trains.
    """
    import torch

    registry = get_registry()
    distributed, device_name = setup_distributed(request.device)
    try:
        with torch.enable_grad():
            return _Training(request, registry, distributed, device_name).run()
    finally:
        distributed.close()


class _Training:
    """The state of one training run, from set-up to the last epoch."""

    def __init__(
        self,
        request: TrainRequest,
        registry: Registry,
        distributed: Distributed,
        device_name: str,
    ) -> None:
        self.request = request
        self.registry = registry
        self.distributed = distributed
        self.config, self.run_dir = self._resolve(device_name)
        self.device = resolve_device(device_name)
        self.amp = self._amp_supported()

    # -- set-up -------------------------------------------------------------------

    def _resolve(self, device_name: str) -> tuple[RunConfig, RunDirectory]:
        request = self.request
        if request.resume is not None:
            return self._resume_config()

        if not request.model:
            raise ConfigError("name a MODEL to train, or pass --resume RUN_DIR")
        config = resolve_run_config(
            self.registry,
            request.model,
            request.dataset,
            request.overrides,
            seed=request.seed,
            device=device_name,
            amp=request.amp,
            compile=request.compile,
            data_dir=str(request.data_dir) if request.data_dir else None,
        )
        run_dir = RunDirectory(request.out or default_run_dir(config.model))
        if (run_dir.path / "config.json").exists():
            raise ConfigError(
                f"{run_dir.path} already holds a run; continue it with --resume "
                f"{run_dir.path} or pick another --out"
            )
        return config, run_dir

    def _resume_config(self) -> tuple[RunConfig, RunDirectory]:
        run_dir = RunDirectory(Path(self.request.resume))
        config = RunConfig.read(run_dir.path)
        try:
            self.registry.model(config.model)
        except NotFoundError:
            raise CheckpointError(
                f"{run_dir.path} was trained with {config.model} from plugin "
                f"{config.plugin or '?'} {config.plugin_version}, which is not "
                f"installed; install it (zoo install {config.plugin or 'PLUGIN'})"
            ) from None

        model_keys, data_keys = split_overrides(self.request.overrides)
        if set(model_keys) - {"epochs"} or data_keys:
            raise ConfigError(
                "--resume continues a run as it was configured; only --epochs may "
                "change (to train longer)"
            )
        if "epochs" in model_keys:
            from ..specs import Param

            config.hparams["epochs"] = Param("epochs", 1, "int", min=1).coerce(
                model_keys["epochs"]
            )
        return config, run_dir

    def _amp_supported(self) -> bool:
        if not self.config.amp:
            return False
        if not bf16_autocast_supported(self.device):
            logger.warning(
                "--amp needs CUDA or a CPU with bf16 instructions; training on %s "
                "in float32",
                self.device,
            )
            return False
        return True

    def _procedure(self) -> Procedure:
        task = self.registry.task(self.config.task)
        procedure_class = resolve_target(task.procedure, f"task {task.id}")
        return procedure_class()

    # -- the run ------------------------------------------------------------------

    def run(self) -> TrainResult:
        import torch

        config, distributed = self.config, self.distributed
        seed_everything(config.seed, deterministic_kernels=self.device.type == "cuda")

        dataset = self.registry.dataset(config.dataset)
        bundle = load_dataset(
            dataset,
            directory=self.request.data_dir or config.data_dir,
            options=config.dataset_options,
            seed=config.seed,
            task=config.task,
        )
        config.info = bundle.info
        config.world_size = distributed.world_size
        hparams = config.hparams

        procedure = self._procedure()
        spec = self.registry.model(config.model)
        module = build_model(spec, hparams, bundle.info).to(self.device)
        optimizers = procedure.configure_optimizers(module, hparams)
        train_split = bundle.split("train")
        steps = _steps_per_epoch(train_split, hparams, distributed)
        schedulers = procedure.configure_schedulers(optimizers, hparams, steps)

        start_epoch, history, best, global_step = 1, [], None, 0
        checkpoint = self.run_dir.latest_checkpoint() if self.request.resume else None
        if checkpoint is not None:
            state = self._restore(checkpoint, module, optimizers, schedulers)
            start_epoch = state["epoch"] + 1
            history, best, global_step = state["history"], state["best"], state["step"]
            logger.info("resuming %s after epoch %d", self.run_dir.path, state["epoch"])

        model = distributed.wrap(module, self.device) if procedure.ddp else module
        if config.compile:
            model = torch.compile(model)

        if distributed.is_main:
            self.run_dir.write_config(config.to_dict())
            self.registry.notify(
                "zoo_on_fit_start", run_dir=self.run_dir.path, config=config.to_dict()
            )

        epochs = int(hparams["epochs"])
        for epoch in range(start_epoch, epochs + 1):
            started = time.perf_counter()
            step = StepContext(
                model=model,
                module=module,
                optimizers=optimizers,
                hparams=hparams,
                info=bundle.info,
                device=self.device,
                epoch=epoch,
                step=global_step,
                amp=self.amp,
            )
            train_metrics = self._train_epoch(procedure, step, train_split, epochs)
            trained = time.perf_counter() - started
            global_step = step.step
            for scheduler in schedulers.values():
                scheduler.step()

            valid_metrics = self._validate(procedure, module, bundle, hparams)
            row: dict[str, Any] = {"epoch": epoch}
            row.update({f"train_{k}": v for k, v in train_metrics.items()})
            row.update({f"valid_{k}": v for k, v in valid_metrics.items()})
            row["train_seconds"] = round(trained, 3)
            row["seconds"] = round(time.perf_counter() - started, 3)
            history.append(row)

            improved = _improves(procedure, valid_metrics, best)
            if improved:
                best = valid_metrics[procedure.monitor]
            if distributed.is_main:
                self._save_epoch(
                    epoch,
                    module,
                    optimizers,
                    schedulers,
                    history,
                    best,
                    global_step,
                    improved or not valid_metrics,
                )
                with torch.random.fork_rng(devices=[]):
                    procedure.end_epoch(step, self.run_dir.path)
                logger.info(_summary(row, epochs))
            distributed.barrier()

        if distributed.is_main:
            self.run_dir.plot_curves(history)
            last = history[-1] if history else {}
            self.registry.notify(
                "zoo_on_fit_end", run_dir=self.run_dir.path, metrics=last
            )
        return TrainResult(
            run_dir=self.run_dir.path,
            metrics=history[-1] if history else {},
            history=history,
            config=config.to_dict(),
        )

    def _train_epoch(
        self, procedure: Procedure, step: StepContext, split: Any, epochs: int
    ) -> dict[str, float]:
        from tqdm import tqdm

        step.module.train()
        procedure.start_epoch(step)
        sampler = _sampler(split, self.config.seed, step.epoch, self.distributed)
        batches = procedure.train_batches(split, step.hparams, sampler, step.info)

        sums: dict[str, float] = {}
        count = 0
        bar = tqdm(
            batches,
            total=_length(batches),
            desc=f"epoch {step.epoch}/{epochs}",
            unit="batch",
            leave=False,
            file=sys.stderr,
            disable=not (self.request.progress and self.distributed.is_main),
            dynamic_ncols=True,
        )
        for batch in bar:
            metrics = procedure.training_step(step, to_device(batch, self.device))
            step.step += 1
            count += 1
            for key, value in metrics.items():
                sums[key] = sums.get(key, 0.0) + float(value)
            if count % 10 == 1 and "loss" in metrics:
                bar.set_postfix(loss=f"{sums['loss'] / count:.4f}", refresh=False)
        bar.close()

        if count == 0:
            raise ConfigError(
                "the training split produced no batches; check the dataset and "
                "--batch-size"
            )
        return self.distributed.mean({k: v / count for k, v in sums.items()})

    def _validate(
        self, procedure: Procedure, module: Any, bundle: Any, hparams: dict[str, Any]
    ) -> dict[str, float]:
        import torch

        if procedure.valid_split not in bundle.splits:
            return {}
        module.eval()
        context = EvalContext(
            model=module,
            bundle=bundle,
            hparams=hparams,
            info=bundle.info,
            device=self.device,
            batch_size=max(int(hparams.get("batch_size", 64)), 256),
            config=self.config.to_dict(),
        )
        with torch.no_grad():
            return procedure.evaluate(context, procedure.valid_split)

    def _save_epoch(
        self,
        epoch: int,
        module: Any,
        optimizers: dict[str, Any],
        schedulers: dict[str, Any],
        history: list[dict[str, Any]],
        best: float | None,
        global_step: int,
        is_best: bool,
    ) -> None:
        weights = module.state_dict()
        state = {
            "epoch": epoch,
            "step": global_step,
            "best": best,
            "history": history,
            "optimizers": {k: o.state_dict() for k, o in optimizers.items()},
            "schedulers": {k: s.state_dict() for k, s in schedulers.items()},
            "rng": capture_rng(),
        }
        folder = self.run_dir.save_checkpoint(epoch, weights, state)
        self.run_dir.publish_weights(folder, LAST)
        if is_best:
            self.run_dir.publish_weights(folder, WEIGHTS)
        self.run_dir.write_metrics(history)
        self.registry.notify(
            "zoo_on_epoch_end",
            run_dir=self.run_dir.path,
            epoch=epoch,
            metrics=dict(history[-1]),
        )
        self.registry.notify(
            "zoo_on_checkpoint_saved",
            run_dir=self.run_dir.path,
            epoch=epoch,
            path=folder,
        )

    def _restore(
        self,
        folder: Path,
        module: Any,
        optimizers: dict[str, Any],
        schedulers: dict[str, Any],
    ) -> dict[str, Any]:
        model_state, state = self.run_dir.load_checkpoint(folder)
        try:
            module.load_state_dict(model_state)
            for name, optimizer in optimizers.items():
                optimizer.load_state_dict(state["optimizers"][name])
            for name, scheduler in schedulers.items():
                scheduler.load_state_dict(state["schedulers"][name])
            restore_rng(state["rng"])
        except (KeyError, RuntimeError, ValueError, TypeError) as exc:
            raise CheckpointError(
                f"checkpoint {folder} does not fit this model ({type(exc).__name__}: "
                f"{exc}); was the plugin upgraded since?"
            ) from None
        return state


def to_device(batch: Any, device: Any) -> Any:
    """Move every tensor in a (nested) batch to ``device``."""
    if hasattr(batch, "to") and hasattr(batch, "device"):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, (list, tuple)):
        moved = [to_device(item, device) for item in batch]
        return type(batch)(moved) if isinstance(batch, tuple) else moved
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    return batch


def bf16_autocast_supported(device: Any) -> bool:
    """Whether bf16 autocast runs natively on ``device``.

    CUDA always qualifies. A CPU qualifies when oneDNN finds bf16 instructions
    (AVX-512 BF16 or AMX); elsewhere torch would emulate bf16, slower than float32.
    """
    import torch

    if device.type == "cuda":
        return True
    if device.type != "cpu" or not torch.backends.mkldnn.is_available():
        return False
    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def _sampler(split: Any, seed: int, epoch: int, distributed: Distributed) -> Any:
    """A sampler whose order depends only on the seed, the epoch and the rank."""
    if not hasattr(split, "__len__"):
        return None
    import torch
    from torch.utils.data import DistributedSampler, RandomSampler

    if distributed.enabled:
        sampler = DistributedSampler(
            split,
            num_replicas=distributed.world_size,
            rank=distributed.rank,
            shuffle=True,
            seed=seed,
        )
        sampler.set_epoch(epoch)
        return sampler
    generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    return RandomSampler(split, generator=generator)


def _steps_per_epoch(split: Any, hparams: dict[str, Any], dist: Distributed) -> int:
    if not hasattr(split, "__len__"):
        return 1
    per_process = -(-len(split) // dist.world_size)
    return max(1, -(-per_process // int(hparams.get("batch_size", 64))))


def _length(batches: Any) -> int | None:
    try:
        return len(batches)
    except TypeError:
        return None


def _improves(
    procedure: Procedure, metrics: dict[str, float], best: float | None
) -> bool:
    value = metrics.get(procedure.monitor)
    if value is None:
        return False
    if best is None:
        return True
    return value < best if procedure.monitor_mode == "min" else value > best


def _summary(row: dict[str, Any], epochs: int) -> str:
    parts = [f"epoch {row['epoch']}/{epochs}"]
    for key, value in row.items():
        if key in NOT_METRICS:
            continue
        parts.append(
            f"{key} {value:.4f}" if isinstance(value, float) else f"{key} {value}"
        )
    parts.append(f"({row['seconds']:.1f}s)")
    return "  ".join(parts)
