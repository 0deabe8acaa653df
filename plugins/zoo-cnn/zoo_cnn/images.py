"""Image classification samples held in memory as integers, normalised on the fly.

Datasets here keep their pixels as uint8 ``(N, C, H, W)`` (a quarter of the memory
of float32; CIFAR-10's training images take 150 MB) and turn a batch into
normalised float tensors only when it is drawn. ``__getitems__`` lets PyTorch's
DataLoader fetch a whole batch with one indexing operation instead of one call
per image, which matters for small images where per-sample overhead would
dominate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

__all__ = ["ImageSamples", "channel_statistics", "pixels_to_tensor"]

Augmentation = Callable[[torch.Tensor], torch.Tensor]

#: images summed at once by channel_statistics (about 50 MB of int64 for CIFAR)
_STATISTICS_CHUNK = 2048


class ImageSamples(Dataset):
    """``(image, label)`` pairs: float32 ``(C, H, W)`` images and int64 labels.

    Args:
        pixels: uint8 ``(N, C, H, W)``.
        labels: int64 ``(N,)``.
        scale: the value of a full-intensity pixel (255, or 16 for optdigits);
            pixels are divided by it to lie in [0, 1].
        mean: per-channel mean of the scaled training pixels.
        std: per-channel standard deviation of the scaled training pixels.
        augment: applied to each drawn batch of scaled pixels before
            normalisation; ``None`` for evaluation splits.
    """

    def __init__(
        self,
        pixels: torch.Tensor,
        labels: torch.Tensor,
        scale: float,
        mean: Sequence[float],
        std: Sequence[float],
        augment: Augmentation | None = None,
    ) -> None:
        if len(pixels) != len(labels):
            raise ValueError(f"{len(pixels)} images but {len(labels)} labels")
        self.pixels = pixels
        self.labels = labels
        self.scale = float(scale)
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)
        self.augment = augment

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        images, labels = self.batch(torch.tensor([index]))
        return images[0], labels[0]

    def __getitems__(self, indices: Sequence[int]) -> list[tuple[Any, Any]]:
        """A whole batch at once; the DataLoader's collate stacks it back."""
        images, labels = self.batch(torch.as_tensor(indices, dtype=torch.long))
        return list(zip(images.unbind(0), labels.unbind(0), strict=True))

    def batch(self, indices: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Normalised (and, for training, augmented) images and labels at
        ``indices``, as ``(B, C, H, W)`` float32 and ``(B,)`` int64."""
        images = self.pixels[indices].float().div_(self.scale)
        if self.augment is not None:
            images = self.augment(images)
        return (images - self.mean) / self.std, self.labels[indices]


def pixels_to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 images ``(N, H, W)`` or ``(N, H, W, C)`` as a ``(N, C, H, W)`` tensor."""
    if images.ndim == 3:
        images = images[:, None, :, :]
    else:
        images = images.transpose(0, 3, 1, 2)
    return torch.from_numpy(np.ascontiguousarray(images, dtype=np.uint8))


def channel_statistics(
    pixels: torch.Tensor, scale: float
) -> tuple[list[float], list[float]]:
    """Per-channel mean and standard deviation of ``pixels / scale``.

    Sums are exact integers taken over every pixel of every image, a chunk of
    images at a time to bound memory, so the figures stored in a run (and reused
    by ``zoo predict``) are the same on every machine.
    """
    if len(pixels) == 0:
        raise ValueError("cannot compute statistics of an empty set of images")
    channels = pixels.shape[1]
    total = torch.zeros(channels, dtype=torch.int64)
    squares = torch.zeros(channels, dtype=torch.int64)
    for start in range(0, len(pixels), _STATISTICS_CHUNK):
        chunk = pixels[start : start + _STATISTICS_CHUNK].long()
        total += chunk.sum(dim=(0, 2, 3))
        squares += (chunk * chunk).sum(dim=(0, 2, 3))

    count = pixels.numel() // channels
    mean = total.double() / count
    variance = (squares.double() / count - mean * mean).clamp_min(0.0)
    std = (variance.sqrt() / scale).clamp_min(1e-6)
    mean = mean / scale
    return [round(float(m), 6) for m in mean], [round(float(s), 6) for s in std]
