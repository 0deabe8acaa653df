"""CIFAR-10, binary version: 32x32 colour images, 50,000 train and 10,000 test."""

from __future__ import annotations

from zoo_core.data import DataBundle, LoadContext
from zoo_core.formats import CIFAR10_CLASSES, read_cifar10_binary

from ._bundle import LabelledImages, image_bundle

__all__ = ["CIFAR_FILES", "load_cifar10"]

#: the batch files inside the dataset's folder (the archive's cifar-10-batches-bin)
CIFAR_FILES = {
    "train": tuple(f"data_batch_{number}.bin" for number in range(1, 6)),
    "test": ("test_batch.bin",),
}


def load_cifar10(ctx: LoadContext) -> DataBundle:
    """The official split; the train split is augmented with random crops and
    flips by default, as in He et al. (2016)."""
    train = LabelledImages(
        *read_cifar10_binary([ctx.path(name) for name in CIFAR_FILES["train"]])
    )
    test = LabelledImages(
        *read_cifar10_binary([ctx.path(name) for name in CIFAR_FILES["test"]])
    )
    return image_bundle(
        train,
        test,
        list(CIFAR10_CLASSES),
        scale=255,
        augment=ctx.options.get("augment", "none"),
        valid_fraction=ctx.options.get("valid_fraction", 0.0),
        seed=ctx.seed,
    )
