"""Biased matrix factorisation, the model behind Surprise's SVD.

A rating is predicted as ``mean + user bias + item bias + p_u . q_i`` and trained on
the squared error of the known ratings with an L2 penalty on the parameters each
rating touches (so busy users and items are held back more, as with SGD).

Reference: Y. Koren, R. Bell, C. Volinsky, "Matrix Factorization Techniques for
Recommender Systems", IEEE Computer 42(8), 2009.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..history import History
from .base import Recommender, info_sizes

__all__ = ["BiasedMF", "build"]


class BiasedMF(Recommender):
    """Global mean, user and item biases and a dot product of factors.

    Args:
        num_users: users in the dataset.
        num_items: items in the dataset.
        factors: length of each user and item factor vector.
        global_mean: the mean training rating, the starting point of every guess.
        init_std: standard deviation of the initial factors.
    """

    def __init__(
        self,
        num_users: int,
        num_items: int,
        factors: int = 100,
        global_mean: float = 0.0,
        init_std: float = 0.1,
    ) -> None:
        super().__init__(num_users, num_items)
        self.user_factors = nn.Embedding(num_users, factors)
        self.item_factors = nn.Embedding(num_items, factors)
        self.user_bias = nn.Embedding(num_users, 1)
        self.item_bias = nn.Embedding(num_items, 1)
        self.register_buffer("global_mean", torch.tensor(float(global_mean)))
        nn.init.normal_(self.user_factors.weight, std=init_std)
        nn.init.normal_(self.item_factors.weight, std=init_std)
        nn.init.zeros_(self.user_bias.weight)
        nn.init.zeros_(self.item_bias.weight)

    def forward(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History | None = None,
    ) -> torch.Tensor:
        dot = (self.user_factors(users) * self.item_factors(items)).sum(-1)
        biases = self.user_bias(users).squeeze(-1) + self.item_bias(items).squeeze(-1)
        return self.global_mean + biases + dot

    def score_users(
        self, users: torch.Tensor, history: History | None = None
    ) -> torch.Tensor:
        dots = self.user_factors(users) @ self.item_factors.weight.T
        return (
            self.global_mean
            + self.user_bias(users)
            + self.item_bias.weight.squeeze(-1).unsqueeze(0)
            + dots
        )

    def training_loss(
        self, batch: dict[str, torch.Tensor], history: History, hparams: dict[str, Any]
    ) -> torch.Tensor:
        users, items = batch["users"], batch["items"]
        error = self.forward(users, items) - batch["ratings"]

        factors = self.user_factors(users).pow(2).sum(-1) + self.item_factors(
            items
        ).pow(2).sum(-1)
        biases = self.user_bias(users).pow(2) + self.item_bias(items).pow(2)
        penalty = hparams["reg"] * factors + hparams["reg_bias"] * biases.squeeze(-1)
        return (error.pow(2) + penalty).mean()


def build(hparams: dict[str, Any], info: dict[str, Any]) -> BiasedMF:
    """Build :class:`BiasedMF` sized for the dataset in ``info``."""
    num_users, num_items, mean = info_sizes(info)
    return BiasedMF(
        num_users,
        num_items,
        factors=int(hparams.get("factors", 100)),
        global_mean=mean,
        init_std=float(hparams.get("init_std", 0.1)),
    )
