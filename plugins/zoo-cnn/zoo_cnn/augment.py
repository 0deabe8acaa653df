"""Random training-time augmentation of image batches.

Every function takes a batch ``(B, C, H, W)`` of pixels scaled to [0, 1] (before
normalisation, so padding is black as in the original images) and draws from
torch's global random generator, which the runtime seeds: a seeded run repeats.
Work is done on whole batches with tensor operations, never image by image, and
the functions returned by :func:`augmentation` pickle, so DataLoader workers
started by spawning can use them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

__all__ = [
    "AUGMENTATIONS",
    "augmentation",
    "random_crop",
    "random_affine",
    "random_crop_flip",
    "random_flip",
]

Augmentation = Callable[[torch.Tensor], torch.Tensor]

#: the names a dataset's ``augment`` option accepts, with what each does
AUGMENTATIONS = {
    "none": "no augmentation",
    "crop": "random crop after zero-padding each side by 1/8 of the image side",
    "crop-flip": "random crop as in 'crop', and a horizontal flip half the time",
    "affine": "random rotation up to 10 degrees, scaling by 0.9 to 1.1 and a "
    "shift of up to 1/16 of the side, resampled bilinearly",
}

#: limits of the 'affine' augmentation
AFFINE_DEGREES = 10.0
AFFINE_SCALE = 0.1
AFFINE_SHIFT = 1 / 16


def augmentation(name: str, height: int, width: int) -> Augmentation | None:
    """The augmentation called ``name`` for images of the given size, or None.

    The padding of the random crop is an eighth of the side (4 pixels for 32x32
    CIFAR images, as in He et al. 2016; 1 pixel for 8x8 digits), at least one.

    Raises:
        ValueError: ``name`` is not one of :data:`AUGMENTATIONS`.
    """
    if name not in AUGMENTATIONS:
        raise ValueError(
            f"augment must be one of {', '.join(AUGMENTATIONS)}, not {name!r}"
        )
    if name == "none":
        return None

    if name == "affine":
        return functools.partial(
            random_affine,
            degrees=AFFINE_DEGREES,
            scale=AFFINE_SCALE,
            shift=AFFINE_SHIFT,
        )

    padding = max(1, min(height, width) // 8)
    if name == "crop":
        return functools.partial(random_crop, padding=padding)
    return functools.partial(random_crop_flip, padding=padding)


def random_crop(images: torch.Tensor, padding: int) -> torch.Tensor:
    """Pad each side with ``padding`` zeros and cut a window of the original size
    at a random offset, drawn independently for every image."""
    count, channels, height, width = images.shape
    padded = F.pad(images, (padding, padding, padding, padding))

    top = torch.randint(0, 2 * padding + 1, (count, 1, 1))
    left = torch.randint(0, 2 * padding + 1, (count, 1, 1))
    rows = (top + torch.arange(height).view(1, height, 1)).expand(count, height, width)
    cols = (left + torch.arange(width).view(1, 1, width)).expand(count, height, width)

    # Flatten each padded image and gather the window's pixels by position.
    flat_index = (rows * (width + 2 * padding) + cols).view(count, 1, height * width)
    flat = padded.flatten(2)
    windows = flat.gather(2, flat_index.expand(count, channels, height * width))
    return windows.view(count, channels, height, width)


def random_crop_flip(images: torch.Tensor, padding: int) -> torch.Tensor:
    """:func:`random_crop`, then :func:`random_flip`."""
    return random_flip(random_crop(images, padding))


def random_flip(images: torch.Tensor) -> torch.Tensor:
    """Mirror each image left to right with probability one half."""
    flip = torch.rand(images.shape[0]) < 0.5
    return torch.where(flip.view(-1, 1, 1, 1), images.flip(-1), images)


def random_affine(
    images: torch.Tensor, degrees: float, scale: float, shift: float
) -> torch.Tensor:
    """Rotate, scale and shift each image by its own random amounts.

    Small, sub-pixel-smooth distortions suit tiny images such as 8x8 digits, where
    a crop's whole-pixel shift moves the digit by an eighth of the image.

    Args:
        images: ``(B, C, H, W)`` pixels in [0, 1]; the border fills with 0.
        degrees: rotations are drawn uniformly from ``[-degrees, degrees]``.
        scale: zoom factors are drawn uniformly from ``[1 - scale, 1 + scale]``.
        shift: shifts along each axis are drawn uniformly from ``[-shift, shift]``
            times the side.
    """
    count = images.shape[0]
    angle = (torch.rand(count) * 2 - 1) * math.radians(degrees)
    zoom = 1 + (torch.rand(count) * 2 - 1) * scale
    # affine_grid measures positions from -1 to 1, so a side is 2 units long.
    offset = (torch.rand(count, 2) * 2 - 1) * shift * 2

    # The matrix maps each output position to the input position it samples.
    cos, sin = angle.cos() / zoom, angle.sin() / zoom
    theta = torch.stack(
        [
            torch.stack([cos, -sin, offset[:, 0]], dim=1),
            torch.stack([sin, cos, offset[:, 1]], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros")
