"""A rating regressor on concatenated user and item embeddings.

The user's and the item's embeddings are joined, passed through one ReLU layer, and
a linear output gives the rating's offset from the global mean. It is fitted to the
ratings themselves (squared error), with dropout and an L2 penalty on the
embeddings each rating touches.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..history import History
from .base import Recommender, info_sizes

__all__ = ["RatingMLP", "build"]


class RatingMLP(Recommender):
    """``mean + out(relu(hidden([e_u, e_i])))``.

    Args:
        num_users: users in the dataset.
        num_items: items in the dataset.
        embedding_dim: length of each user and item embedding.
        hidden: width of the ReLU layer.
        dropout: dropout on the embeddings and on the hidden layer.
        global_mean: the mean training rating, the output's starting point.
    """

    def __init__(
        self,
        num_users: int,
        num_items: int,
        embedding_dim: int = 32,
        hidden: int = 64,
        dropout: float = 0.2,
        global_mean: float = 0.0,
    ) -> None:
        super().__init__(num_users, num_items)
        self.user_embedding = nn.Embedding(num_users, embedding_dim)
        self.item_embedding = nn.Embedding(num_items, embedding_dim)
        self.hidden = nn.Linear(2 * embedding_dim, hidden)
        self.output = nn.Linear(hidden, 1)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("global_mean", torch.tensor(float(global_mean)))
        nn.init.normal_(self.user_embedding.weight, std=0.1)
        nn.init.normal_(self.item_embedding.weight, std=0.1)
        nn.init.zeros_(self.output.weight)
        nn.init.zeros_(self.output.bias)

    def forward(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History | None = None,
    ) -> torch.Tensor:
        joined = torch.cat([self.user_embedding(users), self.item_embedding(items)], -1)
        hidden = torch.relu(self.hidden(self.dropout(joined)))
        return self.global_mean + self.output(self.dropout(hidden)).squeeze(-1)

    def training_loss(
        self, batch: dict[str, torch.Tensor], history: History, hparams: dict[str, Any]
    ) -> torch.Tensor:
        users, items = batch["users"], batch["items"]
        error = self.forward(users, items) - batch["ratings"]
        norms = self.user_embedding(users).pow(2).sum(-1) + self.item_embedding(
            items
        ).pow(2).sum(-1)
        return (error.pow(2) + hparams["reg"] * norms).mean()


def build(hparams: dict[str, Any], info: dict[str, Any]) -> RatingMLP:
    """Build :class:`RatingMLP` sized for the dataset in ``info``."""
    num_users, num_items, mean = info_sizes(info)
    return RatingMLP(
        num_users,
        num_items,
        embedding_dim=int(hparams.get("embedding_dim", 32)),
        hidden=int(hparams.get("hidden", 64)),
        dropout=float(hparams.get("dropout", 0.2)),
        global_mean=mean,
    )
