"""Model and data of the tiny test plugin."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import TensorDataset

from zoo_core.data import DataBundle, LoadContext


def build_mlp(hparams, info):
    pixels = info.get("channels", 1) * info.get("height", 4) * info.get("width", 4)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(pixels, hparams.get("hidden", 16)),
        nn.ReLU(),
        nn.Dropout(hparams.get("dropout", 0.0)),
        nn.Linear(hparams.get("hidden", 16), info.get("num_classes", 3)),
    )


def load_blobs(ctx: LoadContext) -> DataBundle:
    generator = torch.Generator().manual_seed(1234)
    size = ctx.options["size"]
    labels = torch.arange(size) % 3
    images = torch.randn(size, 1, 4, 4, generator=generator) * 0.5
    images[labels == 0, :, :2, :] += 1.0
    images[labels == 1, :, 2:, :] += 1.0
    images[labels == 2, :, :, :2] += 1.0
    cut_a, cut_b = int(size * 0.6), int(size * 0.8)
    split = {
        "train": slice(0, cut_a),
        "valid": slice(cut_a, cut_b),
        "test": slice(cut_b, size),
    }
    return DataBundle(
        splits={k: TensorDataset(images[s], labels[s]) for k, s in split.items()},
        info={
            "channels": 1,
            "height": 4,
            "width": 4,
            "num_classes": 3,
            "classes": ["top", "bottom", "left"],
            "mean": [0.0],
            "std": [1.0],
        },
    )
