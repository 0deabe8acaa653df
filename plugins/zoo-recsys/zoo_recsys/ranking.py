"""Item ranking from implicit feedback: every interaction counts as a positive.

Scoring is full ranking, as RecBole does it: for each user with held-out items,
every item is scored, the items seen in earlier splits are removed (training items;
for the test split, validation items too), and the top ten are compared with the
held-out ones. Users are scored in chunks of a whole score matrix each.
"""

from __future__ import annotations

import torch

from zoo_core.errors import DataError
from zoo_core.tasks.base import EvalContext

from .interactions import Interactions
from .metrics import ranking_metrics, top_k_hits
from .training import RecommenderProcedure, iterate_users

__all__ = ["RankingProcedure"]

#: the cut-off of every reported metric
TOP_K = 10


class RankingProcedure(RecommenderProcedure):
    """Pairwise or pointwise training with sampled negatives (the model decides);
    NDCG@10 (the monitor), Recall@10, Hit@10 and MRR@10 on a split."""

    metrics = (f"ndcg@{TOP_K}", f"recall@{TOP_K}", f"hit@{TOP_K}", f"mrr@{TOP_K}")
    monitor = f"ndcg@{TOP_K}"
    monitor_mode = "max"

    def evaluate(self, ctx: EvalContext, split: str) -> dict[str, float]:
        data: Interactions = ctx.bundle.split(split)
        if len(data) == 0:
            raise DataError(f"split {split!r} has no interactions to rank")
        model_input = self.history([ctx.bundle.split("train")], ctx.device)
        seen = self.seen_before(ctx, split)
        held_out = self.history([data], ctx.device)
        users = torch.unique(data.users).to(ctx.device)

        totals = {name: 0.0 for name in self.metrics}
        with torch.no_grad():
            for chunk in iterate_users(users, data.num_items):
                scores = ctx.model.score_users(chunk, model_input).float()
                scores = scores.masked_fill(
                    seen.user_rows(chunk, binary=True) > 0, -torch.inf
                )
                relevant = held_out.user_rows(chunk, binary=True) > 0
                hits = top_k_hits(scores, relevant, TOP_K)
                per_user = ranking_metrics(hits, relevant.sum(1))
                for name in self.metrics:
                    totals[name] += float(per_user[name].sum())

        return {name: value / len(users) for name, value in totals.items()}
