"""Rating errors and top-k ranking metrics, on whole batches of users at once.

The ranking metrics follow the definitions RecBole reports, averaged over the
users that have at least one relevant item:

- ``hit@k``: 1 if any of the top ``k`` is relevant.
- ``recall@k``: relevant items in the top ``k`` over all relevant items.
- ``mrr@k``: 1 / rank of the first relevant item in the top ``k`` (0 if none).
- ``ndcg@k``: sum of ``1 / log2(rank + 1)`` over relevant items in the top ``k``,
  divided by the best possible sum for ``min(relevant, k)`` items.
"""

from __future__ import annotations

import torch

__all__ = ["ranking_metrics", "rating_errors", "top_k_hits"]


def rating_errors(predicted: torch.Tensor, actual: torch.Tensor) -> tuple[float, float]:
    """Sums of squared and of absolute errors (divide by the count for RMSE, MAE)."""
    error = (predicted.double() - actual.double()).reshape(-1)
    return float(error.pow(2).sum()), float(error.abs().sum())


def top_k_hits(scores: torch.Tensor, relevant: torch.Tensor, k: int) -> torch.Tensor:
    """``(users, k)`` bools: whether each of a user's top-``k`` items is relevant.

    Args:
        scores: ``(users, items)``; items to leave out must already be ``-inf``.
        relevant: ``(users, items)`` bools, the held-out items of each user.
        k: the cut-off.
    """
    available = min(k, scores.shape[1])
    top = torch.topk(scores, available, dim=1).indices
    hits = relevant.gather(1, top)
    if available < k:
        # A catalogue smaller than k: the missing ranks can never hit.
        hits = torch.nn.functional.pad(hits, (0, k - available), value=False)
    return hits


def ranking_metrics(
    hits: torch.Tensor, num_relevant: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Per-user ``ndcg``, ``recall``, ``hit`` and ``mrr`` at ``k = hits.shape[1]``.

    Args:
        hits: ``(users, k)`` bools from :func:`top_k_hits`.
        num_relevant: ``(users,)`` how many relevant items each user has (> 0).

    Returns:
        Keys ``ndcg@k``, ``recall@k``, ``hit@k``, ``mrr@k``, each a ``(users,)``
        float64 tensor; average them over users.
    """
    k = hits.shape[1]
    hits = hits.double()
    ranks = torch.arange(1, k + 1, dtype=torch.float64, device=hits.device)
    discounts = 1.0 / torch.log2(ranks + 1.0)

    dcg = (hits * discounts).sum(1)
    ideal_count = num_relevant.clamp(max=k).long()
    ideal = torch.cumsum(discounts, 0)[ideal_count - 1]

    found = hits.sum(1)
    first = torch.where(
        found > 0, hits.argmax(1).double() + 1.0, torch.full_like(found, float("inf"))
    )
    return {
        f"ndcg@{k}": dcg / ideal,
        f"recall@{k}": found / num_relevant.double(),
        f"hit@{k}": (found > 0).double(),
        f"mrr@{k}": 1.0 / first,
    }
