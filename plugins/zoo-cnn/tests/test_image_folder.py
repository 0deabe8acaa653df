"""The image-folder dataset on a folder of PNG and JPEG files written by the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from zoo_core.api import load_dataset
from zoo_core.data import cache_dir
from zoo_core.errors import ConfigError, DataError
from zoo_core.registry import Registry

Writer = Callable[[Path, list[str], np.ndarray], list[Path]]


@pytest.fixture
def registry(load_plugins: Callable[..., Registry]) -> Registry:
    return load_plugins("zoo-cnn")


@pytest.fixture
def folder(tmp_path: Path, write_images: Writer) -> Path:
    """cat/ with 6 RGB PNGs (dark), dog/ with 4 grey JPEGs (bright), of mixed sizes."""
    root = tmp_path / "pets"
    rng = np.random.default_rng(0)
    cats = rng.integers(0, 60, (6, 20, 24, 3), dtype=np.uint8)
    dogs = rng.integers(200, 256, (4, 40, 30), dtype=np.uint8)
    write_images(root / "cat", [f"c{i}.png" for i in range(6)], cats)
    write_images(root / "dog", [f"d{i}.JPG" for i in range(4)], dogs)
    return root


def test_reads_one_class_per_subfolder(registry: Registry, folder: Path) -> None:
    bundle = load_dataset(
        "image-folder", path=str(folder), size=16, channels=3, valid_fraction=0.0
    )

    train = bundle.split("train")
    assert len(train) == 10 and sorted(bundle.splits) == ["train"]
    info = bundle.info
    assert info["classes"] == ["cat", "dog"] and info["num_classes"] == 2
    assert (info["channels"], info["height"], info["width"]) == (3, 16, 16)
    assert train.labels.tolist() == [0] * 6 + [1] * 4
    # Dark cats and bright dogs: normalised cats lie below zero, dogs above.
    images, _ = train.batch(np.arange(10))
    assert (images[:6].mean(dim=(1, 2, 3)) < 0).all()
    assert (images[6:].mean(dim=(1, 2, 3)) > 0).all()


def test_converts_to_grey_and_holds_out_a_valid_split(
    registry: Registry, folder: Path
) -> None:
    bundle = load_dataset(
        "image-folder", path=str(folder), size=8, channels=1, valid_fraction=0.3
    )

    assert len(bundle.split("train")) == 7 and len(bundle.split("valid")) == 3
    assert bundle.split("valid")[0][0].shape == (1, 8, 8)


def test_a_test_folder_uses_the_training_class_numbers(
    registry: Registry, folder: Path, tmp_path: Path, write_images: Writer
) -> None:
    test_root = tmp_path / "test"
    write_images(test_root / "dog", ["x.png"], np.full((1, 9, 9), 250, np.uint8))

    bundle = load_dataset("image-folder", path=str(folder), test_path=str(test_root))

    assert bundle.split("test").labels.tolist() == [1]
    write_images(test_root / "bird", ["y.png"], np.zeros((1, 9, 9), np.uint8))
    with pytest.raises(DataError, match="bird"):
        load_dataset("image-folder", path=str(folder), test_path=str(test_root))


def test_decoded_images_are_cached_and_refreshed_on_change(
    registry: Registry, folder: Path, write_images: Writer
) -> None:
    first = load_dataset("image-folder", path=str(folder), valid_fraction=0.0)
    cached = load_dataset("image-folder", path=str(folder), valid_fraction=0.0)
    write_images(folder / "dog", ["d9.png"], np.full((1, 5, 5), 255, np.uint8))
    changed = load_dataset("image-folder", path=str(folder), valid_fraction=0.0)

    assert np.array_equal(first.split("train").pixels, cached.split("train").pixels)
    assert len(changed.split("train")) == 11
    stored = sorted(cache_dir("datasets", "image-folder").glob("images-*.npz"))
    assert len(stored) == 2  # one per version of the folder


def test_an_unreadable_image_is_named(registry: Registry, folder: Path) -> None:
    broken = folder / "dog" / "broken.png"
    broken.write_bytes(b"this is not a png")

    with pytest.raises(DataError, match="broken.png"):
        load_dataset("image-folder", path=str(folder))


def test_the_folder_must_be_given(registry: Registry) -> None:
    with pytest.raises(ConfigError, match="data.path=FOLDER"):
        load_dataset("image-folder")


def test_channels_other_than_one_or_three_are_refused(
    registry: Registry, folder: Path
) -> None:
    with pytest.raises(ConfigError, match="channels must be one of 1, 3"):
        load_dataset("image-folder", path=str(folder), channels=4)
