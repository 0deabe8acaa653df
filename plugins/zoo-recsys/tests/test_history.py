"""The sparse history against a dense matrix built by hand, and negative sampling."""

from __future__ import annotations

import torch
from zoo_recsys.history import History
from zoo_recsys.models.base import sample_negatives


def _history() -> tuple[History, torch.Tensor]:
    users = torch.tensor([0, 0, 2, 1, 2, 2])
    items = torch.tensor([3, 1, 0, 3, 2, 4])
    ratings = torch.tensor([5.0, 1.0, 2.0, 4.0, 3.0, 1.0])
    dense = torch.zeros(4, 5)
    dense[users, items] = ratings
    return History(users, items, ratings, num_users=4, num_items=5), dense


def test_user_and_item_rows_match_the_dense_matrix() -> None:
    history, dense = _history()
    users = torch.tensor([2, 0, 3, 2])
    assert torch.equal(history.user_rows(users), dense[users])
    assert torch.equal(
        history.user_rows(users, binary=True), (dense[users] > 0).float()
    )
    items = torch.tensor([4, 3, 1])
    assert torch.equal(history.item_rows(items), dense[:, items].T)


def test_contains_and_counts() -> None:
    history, dense = _history()
    users = torch.tensor([0, 0, 1, 3, 2])
    items = torch.tensor([3, 2, 3, 0, 4])
    assert history.contains(users, items).tolist() == [True, False, True, False, True]
    assert history.user_counts().tolist() == [2, 1, 3, 0]
    assert history.item_counts().tolist() == (dense > 0).sum(0).tolist()


def test_negatives_are_never_seen_items() -> None:
    torch.manual_seed(0)
    users = torch.randint(50, (400,))
    items = torch.randint(60, (400,))
    history = History(users, items, torch.ones(400), num_users=50, num_items=60)
    negatives = sample_negatives(users, history, count=8)
    assert negatives.shape == (400, 8)
    seen = history.contains(users.unsqueeze(1).expand(-1, 8), negatives)
    assert not seen.any()
