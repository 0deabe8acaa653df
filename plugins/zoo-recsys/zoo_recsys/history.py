"""A user-item matrix kept sparse, with fast dense rows for batches of users or items.

Models that read a user's or an item's whole history (AutoRec, EASE), negative
sampling and the masking of already-seen items in ranking all go through
:class:`History`. It stores the matrix twice in compressed-row form (by user and by
item) so either kind of row can be gathered for a whole batch without a Python loop.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .interactions import Interactions

__all__ = ["History"]


class _RowIndex:
    """A compressed-row matrix: ``pointers[r]:pointers[r+1]`` spans row ``r``."""

    def __init__(
        self, rows: torch.Tensor, cols: torch.Tensor, values: torch.Tensor, n: int
    ) -> None:
        order = torch.argsort(rows * (int(cols.max()) + 1 if len(cols) else 1) + cols)
        self.cols = cols[order]
        self.values = values[order]
        counts = torch.bincount(rows, minlength=n)
        self.pointers = torch.zeros(n + 1, dtype=torch.long, device=rows.device)
        self.pointers[1:] = torch.cumsum(counts, 0)

    def dense(self, rows: torch.Tensor, width: int, binary: bool) -> torch.Tensor:
        """Rows ``rows`` as a dense ``(len(rows), width)`` float matrix."""
        starts = self.pointers[rows]
        counts = self.pointers[rows + 1] - starts
        out = torch.zeros(len(rows), width, device=rows.device)
        total = int(counts.sum())
        if total == 0:
            return out

        row_of = torch.repeat_interleave(
            torch.arange(len(rows), device=rows.device), counts
        )
        first = torch.cumsum(counts, 0) - counts
        within = torch.arange(total, device=rows.device) - torch.repeat_interleave(
            first, counts
        )
        positions = torch.repeat_interleave(starts, counts) + within
        values = 1.0 if binary else self.values[positions]
        out[row_of, self.cols[positions]] = values
        return out


class History:
    """Which items each user interacted with (and the rating), on one device.

    Args:
        users: user index of each interaction.
        items: item index of each interaction.
        ratings: rating of each interaction (1.0 for implicit feedback).
        num_users: number of users (rows).
        num_items: number of items (columns).
    """

    def __init__(
        self,
        users: torch.Tensor,
        items: torch.Tensor,
        ratings: torch.Tensor,
        num_users: int,
        num_items: int,
    ) -> None:
        self.num_users = num_users
        self.num_items = num_items
        self.count = len(users)
        self._by_user = _RowIndex(users, items, ratings.float(), num_users)
        self._by_item = _RowIndex(items, users, ratings.float(), num_items)
        self._keys = torch.sort(users * num_items + items).values

    @classmethod
    def of(
        cls, parts: Sequence[Interactions], device: torch.device | str = "cpu"
    ) -> History:
        """The union of one or more splits, moved to ``device``."""
        first = parts[0]
        users = torch.cat([p.users for p in parts]).to(device)
        items = torch.cat([p.items for p in parts]).to(device)
        ratings = torch.cat([p.ratings for p in parts]).to(device)
        return cls(users, items, ratings, first.num_users, first.num_items)

    @property
    def device(self) -> torch.device:
        return self._keys.device

    def user_rows(self, users: torch.Tensor, binary: bool = False) -> torch.Tensor:
        """``(len(users), num_items)``: ratings (or 1s) of these users, 0 elsewhere."""
        return self._by_user.dense(users, self.num_items, binary)

    def item_rows(self, items: torch.Tensor, binary: bool = False) -> torch.Tensor:
        """``(len(items), num_users)``: ratings (or 1s) of these items, 0 elsewhere."""
        return self._by_item.dense(items, self.num_users, binary)

    def contains(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """Whether each ``(user, item)`` pair is in the history (bool, same shape)."""
        keys = users * self.num_items + items
        if len(self._keys) == 0:
            return torch.zeros_like(keys, dtype=torch.bool)

        position = torch.searchsorted(self._keys, keys).clamp(max=len(self._keys) - 1)
        return self._keys[position] == keys

    def user_counts(self) -> torch.Tensor:
        """How many interactions each user has."""
        return self._by_user.pointers[1:] - self._by_user.pointers[:-1]

    def item_counts(self) -> torch.Tensor:
        """How many interactions each item has."""
        return self._by_item.pointers[1:] - self._by_item.pointers[:-1]
