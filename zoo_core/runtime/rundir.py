"""The run directory: config, weights, checkpoints, metrics and learning curves.

Layout::

    RUN_DIR/
      config.json            resolved config (model, dataset, hyperparameters, seed...)
      weights.safetensors    the model weights to use: best validation epoch, else last
      last.safetensors       the last epoch's weights
      metrics.jsonl          one JSON object per epoch
      curves.png             learning curves
      checkpoints/latest     name of the last complete checkpoint folder
      checkpoints/epoch-N/   model.safetensors, state.safetensors, state.json

Every file is replaced atomically, and a checkpoint only counts once the
``latest`` pointer names it, so a run killed at any moment leaves the last complete
checkpoint readable.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import CheckpointError
from .files import atomic_write, write_json, write_text
from .state import load_state, save_state

__all__ = ["RunDirectory"]

#: keys of a history row that are bookkeeping, not metrics: the epoch, and its
#: seconds in all and training alone (without validation and checkpoints)
NOT_METRICS = frozenset({"epoch", "seconds", "train_seconds"})

logger = logging.getLogger(__name__)

WEIGHTS = "weights.safetensors"
LAST = "last.safetensors"
KEEP_CHECKPOINTS = 2


class RunDirectory:
    """Reads and writes one run directory."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def checkpoints(self) -> Path:
        return self.path / "checkpoints"

    # -- config and metrics ---------------------------------------------------------

    def write_config(self, config: dict[str, Any]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        write_json(self.path / "config.json", config)

    def write_metrics(self, history: list[dict[str, Any]]) -> None:
        lines = "".join(json.dumps(row, sort_keys=True) + "\n" for row in history)
        write_text(self.path / "metrics.jsonl", lines)

    def read_metrics(self) -> list[dict[str, Any]]:
        path = self.path / "metrics.jsonl"
        if not path.exists():
            return []
        rows = []
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                raise CheckpointError(f"{path}:{number} is not valid JSON") from None
        return rows

    # -- weights ----------------------------------------------------------------

    def write_weights(self, state_dict: dict[str, Any], name: str = WEIGHTS) -> None:
        from safetensors.torch import save_file

        tensors = {k: v.detach().cpu().contiguous() for k, v in state_dict.items()}
        atomic_write(self.path / name, lambda temp: save_file(tensors, str(temp)))

    def read_weights(self, name: str = WEIGHTS) -> dict[str, Any]:
        path = self.path / name
        if not path.exists():
            raise CheckpointError(
                f"{path} is missing; the run has not finished an epoch yet, or the "
                "folder was altered"
            )
        return _load_tensors(path)

    def publish_weights(self, checkpoint: Path, name: str) -> None:
        """Make ``name`` hold the weights of ``checkpoint``, atomically.

        A hard link shares the checkpoint's file instead of writing the weights
        again; where links are not supported, the file is copied.
        """
        source = checkpoint / "model.safetensors"
        temporary = self.path / f".{name}.publishing"
        temporary.unlink(missing_ok=True)
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copyfile(source, temporary)
        os.replace(temporary, self.path / name)

    # -- checkpoints --------------------------------------------------------------

    def save_checkpoint(
        self, epoch: int, model_state: dict[str, Any], train_state: dict[str, Any]
    ) -> Path:
        """Write a complete checkpoint, then point ``latest`` at it."""
        folder = self.checkpoints / f"epoch-{epoch:04d}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)

        tensors = {k: v.detach().cpu().contiguous() for k, v in model_state.items()}
        from safetensors.torch import save_file

        atomic_write(folder / "model.safetensors", lambda t: save_file(tensors, str(t)))
        save_state(train_state, folder / "state.safetensors", folder / "state.json")
        write_text(self.checkpoints / "latest", folder.name + "\n")

        self._prune(keep=folder.name)
        return folder

    def latest_checkpoint(self) -> Path | None:
        pointer = self.checkpoints / "latest"
        if not pointer.exists():
            return None
        folder = self.checkpoints / pointer.read_text("utf-8").strip()
        if not folder.is_dir():
            raise CheckpointError(
                f"{pointer} names {folder.name}, which is missing; the run directory "
                "was altered"
            )
        return folder

    def load_checkpoint(self, folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
        """The model state and training state stored in ``folder``."""
        model_state = _load_tensors(folder / "model.safetensors")
        train_state = load_state(folder / "state.safetensors", folder / "state.json")
        if not isinstance(train_state, dict) or "epoch" not in train_state:
            raise CheckpointError(f"{folder} holds no training state")
        return model_state, train_state

    def _prune(self, keep: str) -> None:
        folders = sorted(p for p in self.checkpoints.glob("epoch-*") if p.is_dir())
        for old in folders[:-KEEP_CHECKPOINTS]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)

    # -- curves -----------------------------------------------------------------

    def plot_curves(self, history: list[dict[str, Any]]) -> None:
        """Draw every per-epoch metric into ``curves.png``."""
        if not history:
            return
        from matplotlib.figure import Figure

        keys = sorted(
            {
                key
                for row in history
                for key, value in row.items()
                if key not in NOT_METRICS and isinstance(value, (int, float))
            }
        )
        groups: dict[str, list[str]] = {}
        for key in keys:
            groups.setdefault(key.split("_", 1)[-1], []).append(key)
        if not groups:
            return

        figure = Figure(figsize=(4 * len(groups), 3))
        axes = figure.subplots(1, len(groups), squeeze=False)
        for axis, (metric, series) in zip(axes[0], sorted(groups.items())):
            for key in series:
                points = [(r["epoch"], r[key]) for r in history if key in r]
                axis.plot(*zip(*points), marker="o", label=key)
            axis.set_title(metric)
            axis.set_xlabel("epoch")
            axis.legend()
        figure.tight_layout()
        atomic_write(
            self.path / "curves.png", lambda temp: figure.savefig(temp, format="png")
        )


def _load_tensors(path: Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    if not path.exists():
        raise CheckpointError(f"{path} is missing")
    try:
        return load_file(str(path))
    except Exception as exc:  # safetensors raises its own error type
        raise CheckpointError(
            f"{path} is corrupt or truncated ({exc}); resume from another run or "
            "train again"
        ) from None
