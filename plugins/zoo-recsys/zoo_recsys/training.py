"""What rating prediction and item ranking share: batching, training steps,
histories and answering ``zoo predict``.

Batches are slices of index tensors taken in the runtime's sampler order, never
collated sample by sample. What one batch holds depends on the model
(:attr:`Recommender.batch_unit`): rows of the training split, item indices, or the
whole split at once for a model solved in closed form.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import torch

from zoo_core.errors import DataError
from zoo_core.tasks.base import EvalContext, Procedure, StepContext

from .history import History
from .interactions import Interactions
from .models.base import Recommender

__all__ = ["RecommenderProcedure"]

#: splits in the order they are held out; a split's predecessors are "seen"
SPLIT_ORDER = ("train", "valid", "test")


class RecommenderProcedure(Procedure):
    """Training and prediction shared by the two recommender tasks.

    Subclasses add :meth:`evaluate` and the metric names. Training runs in one
    process (``ddp`` is off): the models are small, and the histories they read
    are not sharded.
    """

    ddp = False

    def __init__(self) -> None:
        self._model: Recommender | None = None
        self._histories: dict[tuple[Any, ...], tuple[list[Any], History]] = {}
        self._train: Interactions | None = None

    # -- training -----------------------------------------------------------------

    def configure_optimizers(
        self, model: torch.nn.Module, hparams: dict[str, Any]
    ) -> dict[str, Any]:
        """Adam over the trainable parameters (in the model's own groups, if it has
        any; models regularise in their own loss). Remembers the model, whose batch
        unit decides what the batches hold."""
        self._model = model  # type: ignore[assignment]
        if hasattr(model, "parameter_groups"):
            parameters: Any = model.parameter_groups(hparams)
        else:
            trainable = [p for p in model.parameters() if p.requires_grad]
            parameters = trainable or list(model.parameters())
        return {"main": torch.optim.Adam(parameters, lr=hparams.get("lr", 1e-3))}

    def configure_schedulers(
        self, optimizers: dict[str, Any], hparams: dict[str, Any], steps_per_epoch: int
    ) -> dict[str, Any]:
        """Cosine decay of the learning rate over the run when ``schedule=cosine``."""
        if hparams.get("schedule", "none") != "cosine":
            return {}
        epochs = max(int(hparams.get("epochs", 1)), 1)
        return {
            "main": torch.optim.lr_scheduler.CosineAnnealingLR(
                optimizers["main"], T_max=epochs
            )
        }

    def train_batches(
        self,
        dataset: Interactions,
        hparams: dict[str, Any],
        sampler: Any,
        info: dict[str, Any],
    ) -> list[dict[str, torch.Tensor]]:
        """The epoch's batches, in the order the runtime's sampler draws rows."""
        self._train = dataset
        order = torch.as_tensor(list(sampler), dtype=torch.long)
        unit = getattr(self._model, "batch_unit", "ratings")
        size = int(hparams.get("batch_size", 1024))

        if unit == "all":
            return [{"users": torch.arange(dataset.num_users)}]
        if unit == "items":
            items = _shuffled_items(dataset, order)
            return [{"items": chunk} for chunk in items.split(size)]
        return [dataset.batch(chunk) for chunk in order.split(size)]

    def training_step(
        self, step: StepContext, batch: dict[str, torch.Tensor]
    ) -> dict[str, float]:
        model: Recommender = step.module
        if self._train is None:
            raise RuntimeError("training_step called before train_batches")
        history = self.history([self._train], step.device)

        if model.batch_unit == "all":
            return {"loss": model.fit(history, step.hparams)}
        loss = model.training_loss(batch, history, step.hparams)
        value = step.update(loss, clip_norm=step.hparams.get("clip_norm"))
        return {"loss": value}

    # -- shared by scoring and prediction ------------------------------------------

    def history(self, parts: Sequence[Interactions], device: Any) -> History:
        """The union of ``parts`` on ``device``, built once and then reused."""
        key = (*(id(part) for part in parts), str(device))
        cached = self._histories.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], parts)):
            return cached[1]
        history = History.of(list(parts), device)
        self._histories[key] = (list(parts), history)
        return history

    def seen_before(self, ctx: EvalContext, split: str) -> History:
        """Interactions to leave out when ranking for ``split``: those of every
        split held out before it (train for valid; train and valid for test)."""
        position = SPLIT_ORDER.index(split) if split in SPLIT_ORDER else 1
        names = [name for name in SPLIT_ORDER[:position] if name in ctx.bundle.splits]
        parts = [ctx.bundle.split(name) for name in names or ["train"]]
        return self.history(parts, ctx.device)

    def predict(self, run: Any, inputs: list[str], top_k: int) -> list[dict[str, Any]]:
        """Each user's ``top_k`` items they did not rate in training, best first.

        Rating models rank by predicted rating; ranking models by their score.
        Unknown users raise DataError naming the valid ids.
        """
        bundle = run.load_data()
        train: Interactions = bundle.split("train")
        catalog = train.catalog
        history = self.history([train], run.device)
        users = [_user_index(catalog, text, run.config["dataset"]) for text in inputs]
        titles = catalog.titles() if catalog.titles is not None else {}

        with torch.no_grad():
            index = torch.tensor(users, dtype=torch.long, device=run.device)
            scores = run.model.score_users(index, history).float()
            scores = scores.masked_fill(
                history.user_rows(index, binary=True) > 0, -torch.inf
            )
            k = max(1, min(top_k, scores.shape[1]))
            best = torch.topk(scores, k, dim=1)

        results = []
        for text, values, items in zip(inputs, best.values, best.indices):
            predictions = []
            for value, item in zip(values.tolist(), items.tolist()):
                if value == -torch.inf:
                    break
                item_id = catalog.item_ids[item].item()
                predictions.append(
                    {
                        "label": str(titles.get(item_id, item_id)),
                        "score": round(float(value), 4),
                        "item_id": item_id,
                    }
                )
            results.append({"input": text, "predictions": predictions})
        return results


def scoring_chunks(num_users: int, num_items: int) -> int:
    """Users per chunk so one chunk's score matrix stays near 16 M floats."""
    return max(1, min(num_users, (1 << 24) // max(num_items, 1)))


def iterate_users(users: torch.Tensor, num_items: int) -> Iterator[torch.Tensor]:
    """``users`` in chunks sized by :func:`scoring_chunks`."""
    yield from users.split(scoring_chunks(len(users), num_items))


def _shuffled_items(dataset: Interactions, order: torch.Tensor) -> torch.Tensor:
    """The items that have training interactions, in an order drawn from the
    sampler's: the sampler's first draws seed the shuffle, so it depends only on
    the run's seed and the epoch, and every item is equally likely anywhere."""
    present = torch.unique(dataset.items)
    head = order[:2].tolist() + [0, 0]
    generator = torch.Generator().manual_seed(head[0] * 1_000_003 + head[1])
    return present[torch.randperm(len(present), generator=generator)]


def _user_index(catalog: Any, text: str, dataset: str) -> int:
    index = catalog.user_index(text)
    if index is None:
        raise DataError(
            f"user {text!r} is not in dataset {dataset}; valid user ids are "
            f"{catalog.describe_user_ids()}"
        )
    return index
