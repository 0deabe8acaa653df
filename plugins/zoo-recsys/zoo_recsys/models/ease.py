"""EASE: a linear item-to-item model solved in closed form.

A user's score for item ``j`` is a weighted sum of the items they interacted with,
``x_u . B[:, j]``. The weights minimise ``||X - X B||^2 + reg ||B||^2`` with a zero
diagonal (an item may not explain itself); the solution needs one inverse of the
item-item Gram matrix, so "training" is a single linear solve.

Reference: H. Steck, "Embarrassingly Shallow Autoencoders for Sparse Data",
WWW 2019.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..history import History
from .base import Recommender, info_sizes

__all__ = ["EASE", "build"]


class EASE(Recommender):
    """Item-item weights ``B`` from one regularised inverse of ``X^T X``.

    Args:
        num_users: users in the dataset.
        num_items: items in the dataset.
    """

    batch_unit = "all"
    needs_history = True

    def __init__(self, num_users: int, num_items: int) -> None:
        super().__init__(num_users, num_items)
        # A parameter (not a buffer) so the runtime's optimizer has something to
        # hold; it is never stepped, since fit() solves it directly.
        self.weights = nn.Parameter(torch.zeros(num_items, num_items), False)

    def forward(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History | None = None,
    ) -> torch.Tensor:
        rows = _require(history).user_rows(users, binary=True)
        return (rows * self.weights[:, items].T).sum(-1)

    def score_users(
        self, users: torch.Tensor, history: History | None = None
    ) -> torch.Tensor:
        return _require(history).user_rows(users, binary=True) @ self.weights

    @torch.no_grad()
    def fit(self, history: History, hparams: dict[str, Any]) -> float:
        users = torch.arange(history.num_users, device=history.device)
        matrix = history.user_rows(users, binary=True).double()
        gram = matrix.T @ matrix
        gram.diagonal().add_(float(hparams["reg"]))

        inverse = torch.linalg.inv(gram)
        solution = inverse / (-inverse.diagonal()).unsqueeze(0)
        solution.diagonal().zero_()
        self.weights.copy_(solution.float())
        return float((matrix - matrix @ solution).pow(2).mean())


def _require(history: History | None) -> History:
    if history is None:
        raise ValueError("EASE scores from the training interactions; pass history")
    return history


def build(hparams: dict[str, Any], info: dict[str, Any]) -> EASE:
    """Build :class:`EASE` sized for the dataset in ``info``."""
    num_users, num_items, _ = info_sizes(info)
    return EASE(num_users, num_items)
