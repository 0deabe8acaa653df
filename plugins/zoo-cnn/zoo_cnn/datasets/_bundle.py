"""Turning arrays of images and labels into the DataBundle every loader returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from zoo_core.data import DataBundle
from zoo_core.data.splits import random_split
from zoo_core.errors import ConfigError

from ..augment import augmentation
from ..images import ImageSamples, channel_statistics, pixels_to_tensor

__all__ = ["LabelledImages", "image_bundle"]


@dataclass
class LabelledImages:
    """uint8 images ``(N, H, W)`` or ``(N, H, W, C)`` with int64 labels ``(N,)``."""

    images: np.ndarray
    labels: np.ndarray


def image_bundle(
    train: LabelledImages,
    test: LabelledImages | None,
    classes: Sequence[str],
    *,
    scale: float,
    augment: str,
    valid_fraction: float,
    seed: int,
) -> DataBundle:
    """Splits and info of an image classification dataset.

    A ``valid`` split is carved from ``train`` at random (by ``seed``) when
    ``valid_fraction`` is above zero. The normalisation statistics come from what
    remains for training only, and are stored in ``info`` so that evaluation and
    prediction normalise exactly as training did. Only the train split is
    augmented.

    Args:
        train: the training images.
        test: the test images, if the dataset has a test split.
        classes: class names in label order.
        scale: the value of a full-intensity pixel (255; 16 for optdigits).
        augment: a name from :data:`zoo_cnn.augment.AUGMENTATIONS`.
        valid_fraction: share of ``train`` held out as ``valid``.
        seed: the run's seed, which draws the held-out images.
    """
    pixels = pixels_to_tensor(train.images)
    labels = torch.from_numpy(np.asarray(train.labels, dtype=np.int64))
    _, channels, height, width = pixels.shape
    try:
        augment_batch = augmentation(augment, height, width)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None

    splits: dict[str, ImageSamples] = {}
    held_out = _holdout(len(labels), valid_fraction, seed)
    if held_out is not None:
        kept, held = held_out
        mean, std = channel_statistics(pixels[kept], scale)
        splits["train"] = ImageSamples(
            pixels[kept], labels[kept], scale, mean, std, augment_batch
        )
        splits["valid"] = ImageSamples(pixels[held], labels[held], scale, mean, std)
    else:
        mean, std = channel_statistics(pixels, scale)
        splits["train"] = ImageSamples(pixels, labels, scale, mean, std, augment_batch)

    if test is not None:
        splits["test"] = ImageSamples(
            pixels_to_tensor(test.images),
            torch.from_numpy(np.asarray(test.labels, dtype=np.int64)),
            scale,
            mean,
            std,
        )

    info = {
        "channels": int(channels),
        "height": int(height),
        "width": int(width),
        "num_classes": len(classes),
        "classes": [str(name) for name in classes],
        "mean": mean,
        "std": std,
        "sizes": {name: len(split) for name, split in splits.items()},
    }
    return DataBundle(splits=splits, info=info)


def _holdout(
    count: int, fraction: float, seed: int
) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Row indices kept for training and held out for validation; None when
    nothing is held out."""
    if fraction <= 0:
        return None
    kept, held_out = random_split(count, (1.0 - fraction, fraction), seed)
    if len(kept) == 0 or len(held_out) == 0:
        raise ConfigError(
            f"valid_fraction={fraction} of {count} images leaves an empty split; "
            "choose a fraction that keeps images on both sides"
        )
    return torch.from_numpy(kept), torch.from_numpy(held_out)
