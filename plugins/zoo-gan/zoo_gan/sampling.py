"""Drawing images from a trained generator with repeatable noise."""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["SAMPLE_BATCH", "grid_columns", "sample"]

#: images generated per forward pass
SAMPLE_BATCH = 256


def sample(
    gan: Any,
    count: int,
    labels: torch.Tensor | None,
    *,
    seed: int,
    device: Any,
    scale: float = 1.0,
) -> torch.Tensor:
    """``count`` normalised images, on the CPU, from noise fixed by ``seed``.

    The noise is drawn by a private generator on the CPU, so the same seed gives
    the same images on any device and the global random state is left alone.
    ``scale`` multiplies the noise: below 1 trades variety for typical images.
    Images come from ``gan.sampler`` (the weight average, when kept), run in eval
    mode (batch-norm running statistics); the model is put back in the mode it was
    in.
    """
    rng = torch.Generator().manual_seed(int(seed))
    noise = torch.randn(count, gan.latent_dim, generator=rng) * scale
    was_training = gan.training
    gan.eval()
    try:
        chunks = []
        with torch.no_grad():
            for start in range(0, count, SAMPLE_BATCH):
                part = noise[start : start + SAMPLE_BATCH].to(device)
                wanted = None
                if labels is not None:
                    wanted = labels[start : start + SAMPLE_BATCH].to(device)
                chunks.append(gan.sampler(part, wanted).float().cpu())
    finally:
        gan.train(was_training)
    return torch.cat(chunks)


def grid_columns(num_classes: int) -> int | None:
    """Columns of a sample grid: one per class for conditional models with up to 16
    classes; otherwise ``None``, which makes the grid square."""
    if 0 < num_classes <= 16:
        return num_classes
    return None
