"""What every recommender model offers the procedures that train and score it."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..history import History

__all__ = ["Recommender", "info_sizes", "parse_layers", "sample_negatives"]

#: sizes used when a model is built without dataset metadata (MovieLens 100K's)
DEFAULT_USERS = 943
DEFAULT_ITEMS = 1682
DEFAULT_MEAN = 3.53
#: how many pairs one forward call scores when a model scores whole rows pair by pair
PAIRS_PER_CALL = 1 << 16


class Recommender(nn.Module):
    """Base class: scores ``(user, item)`` pairs and whole rows of items.

    Subclasses implement :meth:`forward` and :meth:`training_loss`; they may
    override :meth:`score_users` with something faster than scoring every pair.

    Attributes:
        batch_unit: what one training batch holds: ``"ratings"`` (rows of the
            training split), ``"items"`` (item indices; the model reads their
            histories) or ``"all"`` (one batch per epoch, for closed-form models).
        needs_history: whether scoring reads the training history, so the model
            cannot score from the ids alone (and cannot be exported).
    """

    batch_unit: str = "ratings"
    needs_history: bool = False

    def __init__(self, num_users: int, num_items: int) -> None:
        super().__init__()
        self.num_users = num_users
        self.num_items = num_items

    def forward(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        history: History | None = None,
    ) -> torch.Tensor:
        """One score per ``(users[k], items[k])`` pair: a rating or a ranking score."""
        raise NotImplementedError

    def score_users(
        self, users: torch.Tensor, history: History | None = None
    ) -> torch.Tensor:
        """``(len(users), num_items)`` scores of every item for each user.

        This default scores every pair, a bounded number per forward call; models
        with a cheaper closed form (a dot product) override it.
        """
        items = torch.arange(self.num_items, device=users.device)
        per_call = max(1, PAIRS_PER_CALL // self.num_items)
        rows = []
        for chunk in users.split(per_call):
            pairs_users = chunk.repeat_interleave(self.num_items)
            pairs_items = items.repeat(len(chunk))
            scores = self.forward(pairs_users, pairs_items, history)
            rows.append(scores.view(len(chunk), self.num_items))
        return torch.cat(rows)

    def training_loss(
        self, batch: dict[str, torch.Tensor], history: History, hparams: dict[str, Any]
    ) -> torch.Tensor:
        """The loss of one training batch; ``history`` is the training split's."""
        raise NotImplementedError

    def fit(self, history: History, hparams: dict[str, Any]) -> float:
        """Solve the model in closed form (models whose ``batch_unit`` is ``all``);
        returns the training loss of the solution."""
        raise NotImplementedError


def info_sizes(info: dict[str, Any]) -> tuple[int, int, float]:
    """Users, items and mean rating from dataset metadata, or MovieLens 100K's."""
    return (
        int(info.get("num_users", DEFAULT_USERS)),
        int(info.get("num_items", DEFAULT_ITEMS)),
        float(info.get("global_mean", DEFAULT_MEAN)),
    )


def parse_layers(text: str, name: str) -> list[int]:
    """``"128,64"`` to ``[128, 64]``; ValueError naming the parameter otherwise."""
    try:
        sizes = [int(part) for part in str(text).split(",") if part.strip()]
    except ValueError:
        raise ValueError(
            f"{name} must be comma-separated layer sizes such as 128,64, not {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"{name} needs at least one positive layer size, not {text!r}")
    return sizes


def sample_negatives(
    users: torch.Tensor, history: History, count: int, rounds: int = 8
) -> torch.Tensor:
    """``(len(users), count)`` items drawn uniformly among those each user has not
    interacted with in ``history``.

    Collisions with the history are redrawn a few times, all pairs at once; the
    few that still collide after ``rounds`` draws are kept (a negligible bias on
    real data, where users see a small share of the catalogue).
    """
    expanded = users.unsqueeze(1).expand(-1, count)
    negatives = torch.randint(
        history.num_items, expanded.shape, device=users.device, dtype=torch.long
    )
    for _ in range(rounds):
        seen = history.contains(expanded, negatives)
        if not bool(seen.any()):
            break
        redraw = torch.randint(
            history.num_items, (int(seen.sum()),), device=users.device
        )
        negatives[seen] = redraw
    return negatives
