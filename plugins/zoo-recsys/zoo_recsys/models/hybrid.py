"""I-AutoRec and biased matrix factorisation trained side by side, predictions blended.

The two models err in different ways (AutoRec reads an item's whole column of
ratings, MF fits one vector per user and item), so a weighted mean of their
predictions is more accurate than either. Both train in the same steps on the same
item batches, each on its own loss: AutoRec reconstructs the batch's items, MF fits
every known rating of those items. Their parameters are disjoint, so summing the
losses gives each model exactly the gradients of its own loss.
"""

from __future__ import annotations

from typing import Any

import torch

from ..history import History
from .autorec import ItemAutoRec
from .base import Recommender, info_sizes
from .mf import BiasedMF

__all__ = ["AutoRecMF", "build"]


class AutoRecMF(Recommender):
    """``weight * autorec + (1 - weight) * mf``.

    Args:
        num_users: users in the dataset.
        num_items: items in the dataset.
        hidden: width of AutoRec's code layer.
        factors: length of MF's factor vectors.
        weight: share of AutoRec in the blend, between 0 and 1.
        global_mean: the mean training rating.
    """

    batch_unit = "items"
    needs_history = True

    def __init__(
        self,
        num_users: int,
        num_items: int,
        hidden: int = 500,
        factors: int = 64,
        weight: float = 0.6,
        global_mean: float = 0.0,
    ) -> None:
        super().__init__(num_users, num_items)
        self.autorec = ItemAutoRec(num_users, num_items, hidden, global_mean)
        self.mf = BiasedMF(num_users, num_items, factors, global_mean)
        self.weight = weight

    def forward(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History | None = None,
    ) -> torch.Tensor:
        blended = self.weight * self.autorec(users, items, history)
        return blended + (1.0 - self.weight) * self.mf(users, items)

    def score_users(
        self, users: torch.Tensor, history: History | None = None
    ) -> torch.Tensor:
        blended = self.weight * self.autorec.score_users(users, history)
        return blended + (1.0 - self.weight) * self.mf.score_users(users)

    def training_loss(
        self, batch: dict[str, torch.Tensor], history: History, hparams: dict[str, Any]
    ) -> torch.Tensor:
        autorec_loss = self.autorec.training_loss(batch, history, hparams)

        known = history.item_rows(batch["items"], binary=True) > 0
        rows, users = known.nonzero(as_tuple=True)
        items = batch["items"][rows]
        ratings = history.item_rows(batch["items"])[rows, users]
        mf_batch = {"users": users, "items": items, "ratings": ratings}
        mf_settings = {"reg": hparams["mf_reg"], "reg_bias": hparams["mf_reg_bias"]}
        return autorec_loss + self.mf.training_loss(mf_batch, history, mf_settings)

    def parameter_groups(self, hparams: dict[str, Any]) -> list[dict[str, Any]]:
        """AutoRec at ``lr``, MF at its own (larger) ``mf_lr``."""
        return [
            {"params": list(self.autorec.parameters()), "lr": hparams["lr"]},
            {"params": list(self.mf.parameters()), "lr": hparams["mf_lr"]},
        ]


def build(hparams: dict[str, Any], info: dict[str, Any]) -> AutoRecMF:
    """Build :class:`AutoRecMF` sized for the dataset in ``info``."""
    num_users, num_items, mean = info_sizes(info)
    return AutoRecMF(
        num_users,
        num_items,
        hidden=int(hparams.get("hidden", 500)),
        factors=int(hparams.get("factors", 64)),
        weight=float(hparams.get("weight", 0.6)),
        global_mean=mean,
    )
