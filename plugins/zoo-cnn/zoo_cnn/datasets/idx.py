"""MNIST and Fashion-MNIST: 28x28 grey images in IDX files, 60,000 train and
10,000 test."""

from __future__ import annotations

from zoo_core.data import DataBundle, LoadContext
from zoo_core.errors import DataError
from zoo_core.formats import read_idx

from ._bundle import LabelledImages, image_bundle

__all__ = [
    "FASHION_CLASSES",
    "IDX_FILES",
    "load_fashion_mnist",
    "load_mnist",
]

#: the four files of either dataset, as ``zoo data fetch`` leaves them (unzipped)
IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

#: Fashion-MNIST's label names, from Zalando Research's README
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def load_mnist(ctx: LoadContext) -> DataBundle:
    """MNIST handwritten digits with the official train/test split."""
    return _load(ctx, [str(digit) for digit in range(10)])


def load_fashion_mnist(ctx: LoadContext) -> DataBundle:
    """Fashion-MNIST product images with the official train/test split."""
    return _load(ctx, list(FASHION_CLASSES))


def _load(ctx: LoadContext, classes: list[str]) -> DataBundle:
    train = _read_split(ctx, "train", len(classes))
    test = _read_split(ctx, "test", len(classes))
    return image_bundle(
        train,
        test,
        classes,
        scale=255,
        augment=ctx.options.get("augment", "none"),
        valid_fraction=ctx.options.get("valid_fraction", 0.0),
        seed=ctx.seed,
    )


def _read_split(ctx: LoadContext, split: str, num_classes: int) -> LabelledImages:
    images_file, labels_file = IDX_FILES[split]
    images = read_idx(ctx.path(images_file))
    labels = read_idx(ctx.path(labels_file)).astype("int64")

    if images.ndim != 3 or labels.ndim != 1:
        raise DataError(
            f"{ctx.root / images_file} and {labels_file}: expected images of shape "
            f"(n, height, width) and labels of shape (n,), got {images.shape} and "
            f"{labels.shape}"
        )
    if len(images) != len(labels):
        raise DataError(
            f"{ctx.root / images_file} holds {len(images)} images but "
            f"{labels_file} holds {len(labels)} labels; fetch the dataset again"
        )
    if len(labels) and (labels.min() < 0 or labels.max() >= num_classes):
        raise DataError(
            f"{ctx.root / labels_file}: labels run from {labels.min()} to "
            f"{labels.max()}; expected 0 to {num_classes - 1}"
        )
    return LabelledImages(images.astype("uint8", copy=False), labels)
