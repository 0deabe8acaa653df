"""BPR-MF: matrix factorisation trained to rank seen items above unseen ones.

For each observed ``(user, item)`` pair, items the user has not interacted with
are drawn uniformly as negatives; the loss pushes the positive's score above each
negative's through ``-log sigmoid(s_pos - s_neg)``, with an L2 penalty on the
factors involved.

Reference: S. Rendle, C. Freudenthaler, Z. Gantner, L. Schmidt-Thieme, "BPR:
Bayesian Personalized Ranking from Implicit Feedback", UAI 2009.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..history import History
from .base import Recommender, info_sizes, sample_negatives

__all__ = ["BPRMF", "build"]


class BPRMF(Recommender):
    """Score ``p_u . q_i``, trained with the BPR pairwise loss.

    Args:
        num_users: users in the dataset.
        num_items: items in the dataset.
        factors: length of each factor vector.
    """

    def __init__(self, num_users: int, num_items: int, factors: int = 64) -> None:
        super().__init__(num_users, num_items)
        self.user_factors = nn.Embedding(num_users, factors)
        self.item_factors = nn.Embedding(num_items, factors)
        nn.init.xavier_normal_(self.user_factors.weight)
        nn.init.xavier_normal_(self.item_factors.weight)

    def forward(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History | None = None,
    ) -> torch.Tensor:
        return (self.user_factors(users) * self.item_factors(items)).sum(-1)

    def score_users(
        self, users: torch.Tensor, history: History | None = None
    ) -> torch.Tensor:
        return self.user_factors(users) @ self.item_factors.weight.T

    def training_loss(
        self, batch: dict[str, torch.Tensor], history: History, hparams: dict[str, Any]
    ) -> torch.Tensor:
        users, items = batch["users"], batch["items"]
        negatives = sample_negatives(users, history, int(hparams["num_negatives"]))

        user_vectors = self.user_factors(users)
        positive = (user_vectors * self.item_factors(items)).sum(-1)
        negative_vectors = self.item_factors(negatives)
        negative = torch.einsum("bf,bnf->bn", user_vectors, negative_vectors)
        ranking = -F.logsigmoid(positive.unsqueeze(1) - negative).mean()

        norms = (
            user_vectors.pow(2).sum(-1)
            + self.item_factors(items).pow(2).sum(-1)
            + negative_vectors.pow(2).sum(-1).mean(-1)
        )
        return ranking + hparams["reg"] * norms.mean()


def build(hparams: dict[str, Any], info: dict[str, Any]) -> BPRMF:
    """Build :class:`BPRMF` sized for the dataset in ``info``."""
    num_users, num_items, _ = info_sizes(info)
    return BPRMF(num_users, num_items, factors=int(hparams.get("factors", 64)))
