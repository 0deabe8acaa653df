"""The dataset loaders: bundled optdigits against the shared copy, MNIST-style IDX and
CIFAR-10 binary files written in their official formats, hold-out and
normalisation."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import torch

from zoo_core.api import load_dataset
from zoo_core.errors import ConfigError, DatasetMissingError
from zoo_core.registry import Registry


@pytest.fixture
def registry(load_plugins: Callable[..., Registry]) -> Registry:
    return load_plugins("zoo-cnn")


def test_bundled_optdigits_files_are_the_uci_files(shared_data: Path) -> None:
    folder = resources.files("zoo_cnn").joinpath("data", "optdigits")

    for name in ("optdigits.tra", "optdigits.tes", "optdigits.names"):
        bundled = folder.joinpath(name).read_bytes()
        shared = (shared_data / "optdigits" / name).read_bytes()
        assert hashlib.sha256(bundled).digest() == hashlib.sha256(shared).digest()
    assert "CC BY 4.0" in folder.joinpath("ATTRIBUTION.md").read_text()


def test_optdigits_keeps_the_uci_split(registry: Registry, shared_data: Path) -> None:
    bundle = load_dataset("optdigits")

    assert sorted(bundle.splits) == ["test", "train"]
    assert len(bundle.split("train")) == 3823
    assert len(bundle.split("test")) == 1797
    info = bundle.info
    assert (info["channels"], info["height"], info["width"]) == (1, 8, 8)
    assert info["classes"] == [str(d) for d in range(10)]

    # Statistics of the training pixels scaled to [0, 1].
    rows = np.loadtxt(shared_data / "optdigits" / "optdigits.tra", delimiter=",")
    train_pixels = rows[:, :64] / 16
    assert info["mean"] == pytest.approx([train_pixels.mean()], abs=1e-6)
    assert info["std"] == pytest.approx([train_pixels.std()], abs=1e-6)

    # The test images are the .tes rows, normalised with the training statistics.
    test_rows = np.loadtxt(shared_data / "optdigits" / "optdigits.tes", delimiter=",")
    image, label = bundle.split("test")[5]
    expected = (test_rows[5, :64].reshape(1, 8, 8) / 16 - info["mean"][0]) / info[
        "std"
    ][0]
    assert image.dtype == torch.float32 and image.shape == (1, 8, 8)
    assert image.numpy() == pytest.approx(expected, abs=1e-5)
    assert label.dtype == torch.int64 and int(label) == int(test_rows[5, 64])


def test_a_dataloader_batch_equals_single_items(registry: Registry) -> None:
    from torch.utils.data import DataLoader

    test = load_dataset("optdigits").split("test")

    images, labels = next(iter(DataLoader(test, batch_size=7)))

    assert images.shape == (7, 1, 8, 8)
    for row in range(7):
        image, label = test[row]
        assert torch.equal(images[row], image)
        assert labels[row] == label


def test_valid_fraction_holds_out_training_images(registry: Registry) -> None:
    bundle = load_dataset("optdigits", valid_fraction=0.2, seed=3)
    again = load_dataset("optdigits", valid_fraction=0.2, seed=3)
    other = load_dataset("optdigits", valid_fraction=0.2, seed=4)

    train, valid = bundle.split("train"), bundle.split("valid")
    assert len(train) + len(valid) == 3823
    assert len(valid) == pytest.approx(0.2 * 3823, abs=1)
    assert torch.equal(valid.pixels, again.split("valid").pixels)
    assert not torch.equal(valid.pixels, other.split("valid").pixels)
    # Statistics come from the images left for training only.
    kept = train.pixels.double() / 16
    assert bundle.info["mean"] == pytest.approx([kept.mean().item()], abs=1e-6)
    assert len(bundle.split("test")) == 1797


def test_augmentation_touches_the_train_split_only_and_follows_the_seed(
    registry: Registry,
) -> None:
    bundle = load_dataset("optdigits", augment="crop-flip", valid_fraction=0.1)
    rows = torch.arange(64)

    torch.manual_seed(0)
    first, _ = bundle.split("train").batch(rows)
    second, _ = bundle.split("train").batch(rows)
    torch.manual_seed(0)
    repeated, _ = bundle.split("train").batch(rows)

    assert not torch.equal(first, second)
    assert torch.equal(first, repeated)
    for name in ("valid", "test"):
        split = bundle.split(name)
        assert torch.equal(split.batch(rows)[0], split.batch(rows)[0])


def test_an_unknown_option_is_refused(registry: Registry) -> None:
    with pytest.raises(ConfigError, match="augment must be one of"):
        load_dataset("optdigits", augment="rotate")
    with pytest.raises(ConfigError, match="no parameter colour"):
        load_dataset("optdigits", colour=True)


def _write_idx(path: Path, values: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, values.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in values.shape)
    path.write_bytes(header + values.astype(np.uint8).tobytes())


def _idx_dataset(root: Path, train: int, test: int) -> np.ndarray:
    """Write the four IDX files of a tiny MNIST-style dataset; the train images."""
    rng = np.random.default_rng(0)
    root.mkdir(parents=True)
    images = rng.integers(0, 256, (train, 28, 28), dtype=np.uint8)
    _write_idx(root / "train-images-idx3-ubyte", images)
    _write_idx(root / "train-labels-idx1-ubyte", np.arange(train) % 10)
    _write_idx(
        root / "t10k-images-idx3-ubyte",
        rng.integers(0, 256, (test, 28, 28), dtype=np.uint8),
    )
    _write_idx(root / "t10k-labels-idx1-ubyte", np.arange(test) % 10)
    return images


@pytest.mark.parametrize(
    ("dataset", "first_class"), [("mnist", "0"), ("fashion-mnist", "T-shirt/top")]
)
def test_idx_datasets_read_the_official_files(
    registry: Registry, tmp_path: Path, dataset: str, first_class: str
) -> None:
    images = _idx_dataset(tmp_path / dataset, train=30, test=20)

    bundle = load_dataset(dataset, data_dir=tmp_path)

    assert len(bundle.split("train")) == 30 and len(bundle.split("test")) == 20
    info = bundle.info
    assert (info["channels"], info["height"], info["width"]) == (1, 28, 28)
    assert info["classes"][0] == first_class and info["num_classes"] == 10
    assert info["mean"] == pytest.approx([images.mean() / 255], abs=1e-6)
    image, label = bundle.split("train")[11]
    assert int(label) == 1
    restored = image[0].numpy() * info["std"][0] + info["mean"][0]
    assert restored * 255 == pytest.approx(images[11].astype(float), abs=1e-3)


def test_a_missing_dataset_says_how_to_fetch_it(
    registry: Registry, tmp_path: Path
) -> None:
    with pytest.raises(DatasetMissingError, match="zoo data fetch mnist"):
        load_dataset("mnist", data_dir=tmp_path)
    with pytest.raises(DatasetMissingError, match="zoo data fetch cifar10"):
        load_dataset("cifar10", data_dir=tmp_path)


def _cifar_batch(path: Path, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A binary CIFAR-10 batch file; its images (N, 32, 32, 3) and labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count, dtype=np.uint8)
    planes = rng.integers(0, 256, (count, 3, 32, 32), dtype=np.uint8)
    records = np.concatenate([labels[:, None], planes.reshape(count, -1)], axis=1)
    path.write_bytes(records.tobytes())
    return planes.transpose(0, 2, 3, 1), labels.astype(np.int64)


def test_cifar10_reads_the_binary_batches(registry: Registry, tmp_path: Path) -> None:
    root = tmp_path / "cifar-10-batches-bin"
    root.mkdir()
    batches = [_cifar_batch(root / f"data_batch_{n}.bin", 4, n) for n in range(1, 6)]
    _cifar_batch(root / "test_batch.bin", 6, 0)

    bundle = load_dataset("cifar10", data_dir=tmp_path, augment="none")

    assert len(bundle.split("train")) == 20 and len(bundle.split("test")) == 6
    info = bundle.info
    assert (info["channels"], info["height"], info["width"]) == (3, 32, 32)
    assert info["classes"][:2] == ["airplane", "automobile"]
    pixels = np.concatenate([images for images, _ in batches]) / 255
    assert info["mean"] == pytest.approx(pixels.mean(axis=(0, 1, 2)), abs=1e-6)
    assert info["std"] == pytest.approx(pixels.std(axis=(0, 1, 2)), abs=1e-6)
    image, label = bundle.split("train")[9]  # the third batch's second image
    mean, std = np.array(info["mean"]), np.array(info["std"])
    restored = image.numpy().transpose(1, 2, 0) * std + mean
    assert restored * 255 == pytest.approx(batches[2][0][1].astype(float), abs=1e-3)
    assert int(label) == batches[2][1][1]


def test_cifar10_augments_by_default(registry: Registry, tmp_path: Path) -> None:
    spec = registry.dataset("cifar10")

    assert spec.defaults()["augment"] == "crop-flip"
