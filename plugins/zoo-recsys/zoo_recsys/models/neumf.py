"""NeuMF: generalised matrix factorisation and an MLP side by side.

One pair of embeddings feeds an element-wise product (GMF), another pair is
concatenated and fed through a ReLU tower (MLP); a linear layer over both outputs
gives the logit that the user interacts with the item. It is trained as a
classifier: each observed pair against items drawn from those the user has not
interacted with.

Reference: X. He, L. Liao, H. Zhang, L. Nie, X. Hu, T.-S. Chua, "Neural
Collaborative Filtering", WWW 2017.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..history import History
from .base import (
    PAIRS_PER_CALL,
    Recommender,
    info_sizes,
    parse_layers,
    sample_negatives,
)

__all__ = ["NeuMF", "build"]


class NeuMF(Recommender):
    """GMF and MLP towers fused by one output layer.

    Args:
        num_users: users in the dataset.
        num_items: items in the dataset.
        mf_dim: embedding length of the GMF tower.
        mlp_dim: embedding length of the MLP tower (per user and per item).
        layers: widths of the MLP tower's ReLU layers.
        dropout: dropout between the MLP layers.
    """

    def __init__(
        self,
        num_users: int,
        num_items: int,
        mf_dim: int = 64,
        mlp_dim: int = 64,
        layers: tuple[int, ...] = (128, 64),
        dropout: float = 0.1,
    ) -> None:
        super().__init__(num_users, num_items)
        self.mf_users = nn.Embedding(num_users, mf_dim)
        self.mf_items = nn.Embedding(num_items, mf_dim)
        self.mlp_users = nn.Embedding(num_users, mlp_dim)
        self.mlp_items = nn.Embedding(num_items, mlp_dim)

        tower: list[nn.Module] = []
        width = 2 * mlp_dim
        for size in layers:
            tower += [nn.Dropout(dropout), nn.Linear(width, size), nn.ReLU()]
            width = size
        self.tower = nn.Sequential(*tower)
        self.output = nn.Linear(mf_dim + width, 1)

        for embedding in (self.mf_users, self.mf_items, self.mlp_users, self.mlp_items):
            nn.init.normal_(embedding.weight, std=0.01)

    def forward(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History | None = None,
    ) -> torch.Tensor:
        gmf = self.mf_users(users) * self.mf_items(items)
        mlp = self.tower(torch.cat([self.mlp_users(users), self.mlp_items(items)], -1))
        return self.output(torch.cat([gmf, mlp], -1)).squeeze(-1)

    def score_users(
        self, users: torch.Tensor, history: History | None = None
    ) -> torch.Tensor:
        """Every item for each user, without repeating per-item work per pair.

        The tower's first layer acts on ``[user, item]``, so it splits into a user
        part and an item part computed once each and summed by broadcasting; the
        GMF side is one matrix product. In training mode (dropout active) this
        falls back to scoring pair by pair.
        """
        if self.training:
            return super().score_users(users, history)

        first = self.tower[1]
        width = self.mlp_users.embedding_dim
        item_part = self.mlp_items.weight @ first.weight[:, width:].T
        gmf_weight, mlp_weight = self.output.weight[0].split(
            [
                self.mf_users.embedding_dim,
                self.output.in_features - self.mf_users.embedding_dim,
            ]
        )
        gmf_items = self.mf_items.weight * gmf_weight

        rows = []
        per_chunk = max(1, PAIRS_PER_CALL // self.num_items)
        for chunk in users.split(per_chunk):
            user_part = self.mlp_users(chunk) @ first.weight[:, :width].T + first.bias
            hidden = torch.relu(user_part.unsqueeze(1) + item_part.unsqueeze(0))
            hidden = self.tower[3:](hidden)
            scores = hidden @ mlp_weight + self.mf_users(chunk) @ gmf_items.T
            rows.append(scores + self.output.bias)
        return torch.cat(rows)

    def training_loss(
        self, batch: dict[str, torch.Tensor], history: History, hparams: dict[str, Any]
    ) -> torch.Tensor:
        users, items = batch["users"], batch["items"]
        count = int(hparams["num_negatives"])
        negatives = sample_negatives(users, history, count).reshape(-1)

        all_users = torch.cat([users, users.repeat_interleave(count)])
        all_items = torch.cat([items, negatives])
        labels = torch.cat(
            [
                torch.ones(len(users), device=users.device),
                torch.zeros(len(negatives), device=users.device),
            ]
        )
        logits = self.forward(all_users, all_items)
        return F.binary_cross_entropy_with_logits(logits, labels)


def build(hparams: dict[str, Any], info: dict[str, Any]) -> NeuMF:
    """Build :class:`NeuMF` sized for the dataset in ``info``."""
    num_users, num_items, _ = info_sizes(info)
    return NeuMF(
        num_users,
        num_items,
        mf_dim=int(hparams.get("mf_dim", 64)),
        mlp_dim=int(hparams.get("mlp_dim", 64)),
        layers=tuple(parse_layers(hparams.get("layers", "128,64"), "layers")),
        dropout=float(hparams.get("dropout", 0.1)),
    )
