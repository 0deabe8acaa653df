"""Metric values checked against sums worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from zoo_recsys.interactions import Catalog
from zoo_recsys.metrics import ranking_metrics, rating_errors, top_k_hits
from zoo_recsys.models.base import Recommender
from zoo_recsys.ranking import RankingProcedure
from zoo_recsys.rating import RatingProcedure

from zoo_core.data import DataBundle
from zoo_core.tasks.base import EvalContext

LOG3 = 1 / math.log2(3)  # discount of rank 2
LOG4 = 0.5  # discount of rank 3


def test_rating_errors() -> None:
    squared, absolute = rating_errors(
        torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 2.0, 5.0])
    )
    assert squared == pytest.approx(5.0)
    assert absolute == pytest.approx(3.0)


def test_top_k_hits_reads_the_best_scored_items() -> None:
    scores = torch.tensor([[0.9, 0.8, 0.7, 0.1], [0.1, 0.2, 0.3, 0.4]])
    relevant = torch.tensor([[True, False, True, False], [False, False, False, True]])
    hits = top_k_hits(scores, relevant, 3)
    assert hits.tolist() == [[True, False, True], [True, False, False]]


def test_top_k_hits_pads_small_catalogues() -> None:
    hits = top_k_hits(torch.tensor([[0.2, 0.1]]), torch.tensor([[False, True]]), 4)
    assert hits.tolist() == [[False, True, False, False]]


def test_ranking_metrics_by_hand() -> None:
    hits = torch.tensor(
        [
            [True, False, True],  # 2 relevant, both found at ranks 1 and 3
            [False, False, True],  # 1 relevant, found at rank 3
            [False, False, False],  # 4 relevant, none found
            [False, True, False],  # 5 relevant, one found at rank 2
        ]
    )
    num_relevant = torch.tensor([2, 1, 4, 5])
    metrics = ranking_metrics(hits, num_relevant)

    expected_ndcg = [
        (1 + LOG4) / (1 + LOG3),
        LOG4 / 1.0,
        0.0,
        LOG3 / (1 + LOG3 + LOG4),
    ]
    assert metrics["ndcg@3"].tolist() == pytest.approx(expected_ndcg)
    assert metrics["recall@3"].tolist() == pytest.approx([1.0, 1.0, 0.0, 0.2])
    assert metrics["hit@3"].tolist() == [1.0, 1.0, 0.0, 1.0]
    assert metrics["mrr@3"].tolist() == pytest.approx([1.0, 1 / 3, 0.0, 0.5])


class FixedScores(Recommender):
    """Every user scores items 0..4 as 5, 4, 3, 2, 1; ratings are item + 1."""

    def __init__(self) -> None:
        super().__init__(2, 5)
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, users, items, history=None):
        return items.float() + 1.0

    def score_users(self, users, history=None):
        return torch.tensor([5.0, 4.0, 3.0, 2.0, 1.0]).repeat(len(users), 1)


@pytest.fixture
def two_users(make_interactions) -> DataBundle:
    catalog = Catalog(np.array([7, 8]), np.arange(10, 15))
    splits = {
        "train": make_interactions([0, 1], [0, 1], [1.0, 2.0], catalog),
        "valid": make_interactions([0, 1], [2, 3], [3.0, 4.0], catalog),
        "test": make_interactions([0, 1], [3, 4], [2.0, 4.0], catalog),
    }
    info = {"num_users": 2, "num_items": 5, "rating_min": 1.0, "rating_max": 5.0}
    return DataBundle(splits=splits, info=info)


def _context(bundle: DataBundle) -> EvalContext:
    return EvalContext(
        model=FixedScores(), bundle=bundle, hparams={}, info=bundle.info, device="cpu"
    )


def test_ranking_leaves_out_train_and_valid_items_for_test(
    two_users: DataBundle,
) -> None:
    # User 7: train {0}, valid {2} removed, ranks 1, 3, 4: the test item 3 is 2nd.
    # User 8: train {1}, valid {3} removed, ranks 0, 2, 4: the test item 4 is 3rd.
    scores = RankingProcedure().evaluate(_context(two_users), "test")
    assert scores["ndcg@10"] == pytest.approx((LOG3 + LOG4) / 2)
    assert scores["mrr@10"] == pytest.approx((1 / 2 + 1 / 3) / 2)
    assert scores["recall@10"] == pytest.approx(1.0)
    assert scores["hit@10"] == pytest.approx(1.0)


def test_ranking_leaves_out_only_train_items_for_valid(two_users: DataBundle) -> None:
    # User 7: train {0} removed, ranks 1, 2, ...: the valid item 2 is 2nd.
    # User 8: train {1} removed, ranks 0, 2, 3: the valid item 3 is 3rd.
    scores = RankingProcedure().evaluate(_context(two_users), "valid")
    assert scores["ndcg@10"] == pytest.approx((LOG3 + LOG4) / 2)
    assert scores["mrr@10"] == pytest.approx((1 / 2 + 1 / 3) / 2)


def test_rating_procedure_rmse_and_mae(two_users: DataBundle) -> None:
    # Predictions are item + 1: test items 3 and 4 give 4 and 5 for ratings 2 and 4.
    scores = RatingProcedure().evaluate(_context(two_users), "test")
    assert scores["rmse"] == pytest.approx(math.sqrt((4 + 1) / 2))
    assert scores["mae"] == pytest.approx((2 + 1) / 2)
