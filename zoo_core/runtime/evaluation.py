"""Scoring a trained run on one of its dataset's splits."""

from __future__ import annotations

import os
from typing import Any

from ..tasks.base import EvalContext
from .run import LoadedRun

__all__ = ["evaluate_run"]


def evaluate_run(
    run_dir: str | os.PathLike[str],
    split: str | None = None,
    *,
    device: str = "auto",
    data_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The task's metrics for ``split`` (the task's evaluation split by default)."""
    import torch

    run = LoadedRun.open(run_dir, device=device)
    bundle = run.load_data(data_dir)
    split = split or run.procedure.eval_split
    context = EvalContext(
        model=run.model,
        bundle=bundle,
        hparams=run.hparams,
        info=run.info,
        device=run.device,
        batch_size=max(int(run.hparams.get("batch_size", 64)), 256),
        config=run.config,
    )
    bundle.split(split)  # fails clearly, naming the splits there are

    with torch.no_grad():
        metrics = run.procedure.evaluate(context, split)
    return {"split": split, **metrics}
