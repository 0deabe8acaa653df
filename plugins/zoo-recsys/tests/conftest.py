"""Small hand-made interaction data for the recommender tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
import torch
from zoo_recsys.interactions import Catalog, Interactions

from zoo_core.data import DataBundle


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """One torch thread: on a shared machine more threads only wait on each other."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _interactions(
    users: list[int], items: list[int], ratings: list[float], catalog: Catalog
) -> Interactions:
    return Interactions(
        torch.tensor(users, dtype=torch.long),
        torch.tensor(items, dtype=torch.long),
        torch.tensor(ratings, dtype=torch.float32),
        catalog,
    )


@pytest.fixture
def make_interactions() -> Callable[..., Interactions]:
    """Build one split from lists: ``make(users, items, ratings, catalog)``."""
    return _interactions


@pytest.fixture
def tiny_bundle() -> DataBundle:
    """12 users, 20 items, 6 ratings per user: 4 train, 1 valid, 1 test each."""
    generator = np.random.default_rng(0)
    catalog = Catalog(
        np.arange(101, 113, dtype=np.int64),
        np.arange(1, 21, dtype=np.int64),
        lambda: {i: f"Movie {i}" for i in range(1, 21)},
    )
    parts: dict[str, tuple[list[int], list[int], list[float]]] = {
        name: ([], [], []) for name in ("train", "valid", "test")
    }
    for user in range(12):
        items = generator.choice(20, size=6, replace=False)
        for position, item in enumerate(items):
            name = "train" if position < 4 else ("valid" if position == 4 else "test")
            parts[name][0].append(user)
            parts[name][1].append(int(item))
            parts[name][2].append(float(generator.integers(1, 6)))

    splits = {name: _interactions(*lists, catalog) for name, lists in parts.items()}
    train_mean = float(splits["train"].ratings.mean())
    info = {
        "num_users": 12,
        "num_items": 20,
        "num_ratings": 72,
        "global_mean": train_mean,
        "rating_min": 1.0,
        "rating_max": 5.0,
        "protocol": "per-user-811",
    }
    return DataBundle(splits=splits, info=info)
