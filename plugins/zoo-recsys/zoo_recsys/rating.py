"""Rating prediction: fit explicit ratings, score RMSE and MAE on held-out ones."""

from __future__ import annotations

import torch

from zoo_core.errors import DataError
from zoo_core.tasks.base import EvalContext

from .interactions import Interactions
from .metrics import rating_errors
from .training import RecommenderProcedure

__all__ = ["RatingProcedure"]

#: ratings scored per forward call during evaluation
EVAL_BATCH = 1 << 16


class RatingProcedure(RecommenderProcedure):
    """Squared-error training; RMSE (the monitor) and MAE on a split.

    Predictions are clipped to the dataset's rating range before scoring, as
    Surprise does, since no true rating lies outside it.
    """

    metrics = ("rmse", "mae")
    monitor = "rmse"
    monitor_mode = "min"

    def evaluate(self, ctx: EvalContext, split: str) -> dict[str, float]:
        data: Interactions = ctx.bundle.split(split)
        if len(data) == 0:
            raise DataError(f"split {split!r} has no ratings to score")
        history = self.history([ctx.bundle.split("train")], ctx.device)
        low = float(ctx.info.get("rating_min", -torch.inf))
        high = float(ctx.info.get("rating_max", torch.inf))

        squared, absolute = 0.0, 0.0
        with torch.no_grad():
            for start in range(0, len(data), EVAL_BATCH):
                rows = slice(start, start + EVAL_BATCH)
                users = data.users[rows].to(ctx.device)
                items = data.items[rows].to(ctx.device)
                predicted = ctx.model(users, items, history).clamp(low, high)
                sse, sae = rating_errors(predicted, data.ratings[rows].to(ctx.device))
                squared, absolute = squared + sse, absolute + sae

        return {"rmse": (squared / len(data)) ** 0.5, "mae": absolute / len(data)}
