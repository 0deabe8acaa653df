"""A task of the plugin's own: regression of one number, scored by squared error."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

from zoo_core.tasks import EvalContext, Procedure, StepContext


class RegressionProcedure(Procedure):
    """Mean squared error; the best epoch is the one with the lowest validation mse."""

    metrics = ("mse",)
    monitor = "mse"
    monitor_mode = "min"

    def training_step(self, step: StepContext, batch: Any) -> dict[str, float]:
        inputs, targets = batch
        loss = F.mse_loss(step.model(inputs), targets)
        return {"loss": step.update(loss)}

    def evaluate(self, ctx: EvalContext, split: str) -> dict[str, float]:
        total, count = 0.0, 0
        with torch.no_grad():
            for inputs, targets in DataLoader(ctx.bundle.split(split), batch_size=256):
                predictions = ctx.model(inputs.to(ctx.device))
                errors = (predictions - targets.to(ctx.device)) ** 2
                total += errors.sum().item()
                count += len(targets)
        return {"mse": total / count}
