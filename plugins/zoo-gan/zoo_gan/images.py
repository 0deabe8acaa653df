"""Turning normalised image tensors back into PNG files: single images and grids."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch

from zoo_core.runtime.files import atomic_write

__all__ = [
    "GRID_CELL_MIN",
    "GRID_PADDING",
    "grid_scale",
    "make_grid",
    "save_png",
    "to_pixels",
]

#: grid cells are enlarged (nearest neighbour) until their shorter side is this big
GRID_CELL_MIN = 32
#: pixels of background between grid cells and around the grid
GRID_PADDING = 2


def to_pixels(images: torch.Tensor, info: dict[str, Any]) -> np.ndarray:
    """Undo the dataset's normalisation: ``(N, C, H, W)`` floats to ``(N, H, W, C)``
    bytes, using the ``mean`` and ``std`` in ``info``."""
    channels = images.shape[1]
    mean = _statistic(info.get("mean"), 0.0, channels)
    std = _statistic(info.get("std"), 1.0, channels)
    pixels = images.detach().float().cpu() * std + mean
    pixels = (pixels.clamp(0.0, 1.0) * 255.0).round().to(torch.uint8)
    return pixels.permute(0, 2, 3, 1).numpy()


def grid_scale(height: int, width: int) -> int:
    """The whole-number enlargement that makes a cell at least ``GRID_CELL_MIN``."""
    return max(1, math.ceil(GRID_CELL_MIN / max(1, min(height, width))))


def make_grid(pixels: np.ndarray, columns: int | None = None) -> np.ndarray:
    """Tile ``(N, H, W, C)`` images row by row into one ``(H', W', C)`` image.

    Small images are enlarged by :func:`grid_scale` so a grid of 8x8 digits is
    readable; cells are separated by :data:`GRID_PADDING` pixels of mid grey.
    """
    count, height, width, channels = pixels.shape
    if count == 0:
        raise ValueError("cannot make a grid of no images")
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    scale = grid_scale(height, width)
    cell_h, cell_w = height * scale, width * scale

    grid = np.full(
        (
            rows * (cell_h + GRID_PADDING) + GRID_PADDING,
            columns * (cell_w + GRID_PADDING) + GRID_PADDING,
            channels,
        ),
        128,
        dtype=np.uint8,
    )
    enlarged = pixels.repeat(scale, axis=1).repeat(scale, axis=2)
    for index, image in enumerate(enlarged):
        row, column = divmod(index, columns)
        top = GRID_PADDING + row * (cell_h + GRID_PADDING)
        left = GRID_PADDING + column * (cell_w + GRID_PADDING)
        grid[top : top + cell_h, left : left + cell_w] = image
    return grid


def save_png(image: np.ndarray, path: Path) -> Path:
    """Write an ``(H, W, C)`` byte image to ``path`` atomically; returns the path."""
    from PIL import Image

    # Pillow reads (H, W) bytes as greyscale and (H, W, 3) bytes as RGB.
    array = image[:, :, 0] if image.shape[2] == 1 else image
    picture = Image.fromarray(np.ascontiguousarray(array))
    atomic_write(Path(path), lambda temp: picture.save(temp, format="PNG"))
    return Path(path)


def _statistic(values: Any, default: float, channels: int) -> torch.Tensor:
    if values is None:
        values = [default] * channels
    elif isinstance(values, (int, float)):
        values = [float(values)] * channels
    elif len(values) == 1:
        values = list(values) * channels
    return torch.tensor(values, dtype=torch.float32).view(1, -1, 1, 1)
