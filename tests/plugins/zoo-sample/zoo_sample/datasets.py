"""Generated datasets: the same points on every machine, nothing downloaded."""

from __future__ import annotations

import torch
from torch.utils.data import TensorDataset

from zoo_core.data import DataBundle, LoadContext

_CENTRES = torch.tensor([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])


def load_blobs(context: LoadContext) -> DataBundle:
    """Points around three centres; the class is the centre a point was drawn near."""
    count = context.options["samples"]
    splits = {
        name: _blobs(size, seed)
        for name, size, seed in (
            ("train", count, 1),
            ("valid", max(count // 4, 3), 2),
            ("test", max(count // 4, 3), 3),
        )
    }
    info = {"features": 2, "num_classes": 3, "classes": ["north", "east", "west"]}
    return DataBundle(splits=splits, info=info)


def load_line(context: LoadContext) -> DataBundle:
    """Points ``(x, 2x - 1 + noise)`` with ``x`` uniform in [-1, 1]."""
    count = context.options["samples"]
    splits = {
        name: _line(size, seed)
        for name, size, seed in (
            ("train", count, 1),
            ("valid", max(count // 4, 2), 2),
            ("test", max(count // 4, 2), 3),
        )
    }
    return DataBundle(splits=splits, info={"features": 1})


def _blobs(count: int, seed: int) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(count) % len(_CENTRES)
    points = _CENTRES[labels] + 0.5 * torch.randn(count, 2, generator=generator)
    return TensorDataset(points, labels)


def _line(count: int, seed: int) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(count, 1, generator=generator) * 2 - 1
    y = 2 * x - 1 + 0.05 * torch.randn(count, 1, generator=generator)
    return TensorDataset(x, y)
