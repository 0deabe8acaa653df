"""The data a recommender trains on: who rated what, split by split.

Every split of a recommender dataset is an :class:`Interactions`: three aligned
tensors (user index, item index, rating) and the :class:`Catalog` that maps those
indices back to the ids written in the user's files. Models never see raw ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

__all__ = ["Catalog", "Interactions"]


@dataclass(eq=False)
class Catalog:
    """The users and items of a dataset, shared by all of its splits.

    Attributes:
        user_ids: the file's id of each user index (``user_ids[k]`` is user ``k``).
        item_ids: the file's id of each item index.
        titles: reads ``{item id: title}`` when called; ``None`` when the dataset
            has no item names. Called only when a user asks for predictions.
    """

    user_ids: np.ndarray
    item_ids: np.ndarray
    titles: Callable[[], dict[Any, str]] | None = None
    _user_index: dict[str, int] | None = field(default=None, repr=False)

    @property
    def num_users(self) -> int:
        return len(self.user_ids)

    @property
    def num_items(self) -> int:
        return len(self.item_ids)

    def user_index(self, user_id: str) -> int | None:
        """The index of the user whose id is written ``user_id``, if there is one."""
        if self._user_index is None:
            self._user_index = {str(uid): k for k, uid in enumerate(self.user_ids)}
        return self._user_index.get(str(user_id).strip())

    def describe_user_ids(self) -> str:
        """The valid user ids in a few words, for error messages."""
        ids = self.user_ids
        if np.issubdtype(ids.dtype, np.integer):
            low, high = int(ids.min()), int(ids.max())
            if high - low + 1 == len(ids):
                return f"{low} to {high}"
            return f"{len(ids)} ids between {low} and {high}"
        examples = ", ".join(str(uid) for uid in ids[:3])
        return f"{len(ids)} ids such as {examples}"


@dataclass(eq=False)
class Interactions:
    """One split: aligned user indices, item indices and ratings.

    It is also a map-style dataset of ``(user, item, rating)`` triples, so generic
    tools (a DataLoader, ``len``) work on it, but the recommender procedures slice
    the tensors directly instead of collating triples one by one.

    Attributes:
        users: int64 user indices.
        items: int64 item indices.
        ratings: float32 ratings (1.0 for implicit feedback).
        catalog: the ids and titles behind the indices.
    """

    users: torch.Tensor
    items: torch.Tensor
    ratings: torch.Tensor
    catalog: Catalog

    def __post_init__(self) -> None:
        if not (len(self.users) == len(self.items) == len(self.ratings)):
            raise ValueError("users, items and ratings must have the same length")

    def __len__(self) -> int:
        return len(self.users)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, ...]:
        return self.users[index], self.items[index], self.ratings[index]

    @property
    def num_users(self) -> int:
        return self.catalog.num_users

    @property
    def num_items(self) -> int:
        return self.catalog.num_items

    def subset(self, rows: Any) -> Interactions:
        """The interactions at ``rows`` (an index array), with the same catalog."""
        index = torch.as_tensor(np.asarray(rows), dtype=torch.long)
        return Interactions(
            self.users[index], self.items[index], self.ratings[index], self.catalog
        )

    def batch(self, rows: torch.Tensor) -> dict[str, torch.Tensor]:
        """A training batch of the interactions at ``rows``."""
        return {
            "users": self.users[rows],
            "items": self.items[rows],
            "ratings": self.ratings[rows],
        }
