"""Item-based AutoRec (I-AutoRec): an autoencoder over each item's column of ratings.

Each item is described by the ratings all users gave it (0 where unknown). The
network squeezes that vector through one sigmoid layer and reconstructs it; the
reconstruction at user ``u`` is the predicted rating. Only known ratings count in
the loss, plus an L2 penalty on both weight matrices.

Reference: S. Sedhain, A. K. Menon, S. Sanner, L. Xie, "AutoRec: Autoencoders
Meet Collaborative Filtering", WWW 2015.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..history import History
from .base import Recommender, info_sizes

__all__ = ["ItemAutoRec", "build"]


class ItemAutoRec(Recommender):
    """I-AutoRec: ``h = sigmoid(V r + mu)``, ``r_hat = W h + b`` per item.

    Users or items with no training rating get the global mean, since the network
    has nothing to reconstruct for them.

    Args:
        num_users: users in the dataset (the input and output width).
        num_items: items in the dataset.
        hidden: width of the code layer.
        global_mean: the mean training rating, used for cold users and items.
        dropout: dropout on the input ratings while training (0 turns it off).
    """

    batch_unit = "items"
    needs_history = True

    def __init__(
        self,
        num_users: int,
        num_items: int,
        hidden: int = 500,
        global_mean: float = 0.0,
        dropout: float = 0.0,
    ) -> None:
        super().__init__(num_users, num_items)
        self.encoder = nn.Linear(num_users, hidden)
        self.decoder = nn.Linear(hidden, num_users)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("global_mean", torch.tensor(float(global_mean)))

    def reconstruct(self, rows: torch.Tensor) -> torch.Tensor:
        """Reconstructed rating columns for items whose known ratings are ``rows``."""
        code = torch.sigmoid(self.encoder(self.dropout(rows)))
        return self.decoder(code)

    def forward(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History | None = None,
    ) -> torch.Tensor:
        history = _require(history)
        unique, position = torch.unique(items, return_inverse=True)
        columns = self.reconstruct(history.item_rows(unique))
        scores = columns[position, users]
        return self._fill_cold(scores, users, items, history)

    def score_users(
        self, users: torch.Tensor, history: History | None = None
    ) -> torch.Tensor:
        history = _require(history)
        every_item = torch.arange(self.num_items, device=users.device)
        columns = self.reconstruct(history.item_rows(every_item))
        scores = columns[:, users].T
        cold_items = history.item_counts() == 0
        cold_users = history.user_counts()[users] == 0
        scores = scores.masked_fill(cold_items.unsqueeze(0), float(self.global_mean))
        return scores.masked_fill(cold_users.unsqueeze(1), float(self.global_mean))

    def training_loss(
        self, batch: dict[str, torch.Tensor], history: History, hparams: dict[str, Any]
    ) -> torch.Tensor:
        items = batch["items"]
        rows = history.item_rows(items)
        known = history.item_rows(items, binary=True)
        error = (self.reconstruct(rows) - rows) * known
        squared = error.pow(2).sum() / known.sum().clamp(min=1.0)

        weights = self.encoder.weight.pow(2).sum() + self.decoder.weight.pow(2).sum()
        penalty = 0.5 * hparams["reg"] * weights / max(history.count, 1)
        return squared + penalty

    def _fill_cold(
        self,
        scores: torch.Tensor,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History,
    ) -> torch.Tensor:
        cold = (history.item_counts()[items] == 0) | (history.user_counts()[users] == 0)
        return scores.masked_fill(cold, float(self.global_mean))


def _require(history: History | None) -> History:
    if history is None:
        raise ValueError("AutoRec scores from the training ratings; pass history")
    return history


def build(hparams: dict[str, Any], info: dict[str, Any]) -> ItemAutoRec:
    """Build :class:`ItemAutoRec` sized for the dataset in ``info``."""
    num_users, num_items, mean = info_sizes(info)
    return ItemAutoRec(
        num_users,
        num_items,
        hidden=int(hparams.get("hidden", 500)),
        global_mean=mean,
        dropout=float(hparams.get("dropout", 0.0)),
    )
