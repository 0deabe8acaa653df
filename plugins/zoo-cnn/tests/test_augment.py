"""Random crops and flips: right shapes, real windows of the padded image, seeded."""

from __future__ import annotations

import pickle

import pytest
import torch
import torch.nn.functional as F
from zoo_cnn.augment import augmentation, random_affine, random_crop, random_flip


def test_a_random_crop_is_a_window_of_the_padded_image() -> None:
    torch.manual_seed(0)
    images = torch.rand(16, 3, 6, 5)
    padded = F.pad(images, (2, 2, 2, 2))

    cropped = random_crop(images, padding=2)

    assert cropped.shape == images.shape
    offsets = set()
    for image, crop in zip(padded, cropped, strict=True):
        windows = [
            (top, left)
            for top in range(5)
            for left in range(5)
            if torch.equal(image[:, top : top + 6, left : left + 5], crop)
        ]
        assert windows, "the crop is not a window of the padded image"
        offsets.add(windows[0])
    assert len(offsets) > 1, "every image got the same offset"


def test_a_flip_mirrors_some_images_and_keeps_the_others() -> None:
    torch.manual_seed(1)
    images = torch.rand(32, 1, 4, 4)

    flipped = random_flip(images)

    mirrored = [
        torch.equal(f, i.flip(-1)) for f, i in zip(flipped, images, strict=True)
    ]
    kept = [torch.equal(f, i) for f, i in zip(flipped, images, strict=True)]
    assert all(m or k for m, k in zip(mirrored, kept, strict=True))
    assert 0 < sum(mirrored) < 32


def test_an_affine_of_zero_range_changes_nothing() -> None:
    images = torch.rand(5, 3, 8, 8)

    assert torch.allclose(random_affine(images, 0.0, 0.0, 0.0), images, atol=1e-6)


def test_an_affine_moves_images_a_little_and_differently() -> None:
    torch.manual_seed(2)
    images = torch.zeros(64, 1, 8, 8)
    images[:, :, 2:6, 3:5] = 1.0

    moved = random_affine(images, degrees=10.0, scale=0.1, shift=1 / 16)

    assert moved.shape == images.shape
    assert moved.min() >= 0.0 and moved.max() <= 1.0
    change = (moved - images).abs().flatten(1).sum(dim=1)
    assert (change > 0).all() and len(set(change.tolist())) > 32
    # A small distortion keeps most of the stroke where it was.
    overlap = (moved * images).flatten(1).sum(dim=1) / images.flatten(1).sum(dim=1)
    assert (overlap > 0.4).all()


@pytest.mark.parametrize("name", ["crop", "crop-flip", "affine"])
def test_the_same_seed_gives_the_same_augmentation(name: str) -> None:
    augment = augmentation(name, 32, 32)
    images = torch.rand(8, 3, 32, 32)

    torch.manual_seed(5)
    first = augment(images)
    torch.manual_seed(5)
    second = augment(images)

    assert torch.equal(first, second)


@pytest.mark.parametrize(("side", "padding"), [(32, 4), (28, 3), (8, 1), (3, 1)])
def test_the_crop_pads_an_eighth_of_the_side(side: int, padding: int) -> None:
    augment = augmentation("crop", side, side)
    # A single bright pixel in the corner can move by at most the padding.
    images = torch.zeros(200, 1, side, side)
    images[:, :, 0, 0] = 1.0

    torch.manual_seed(0)
    moved = augment(images)

    positions = [divmod(int(image.flatten().argmax()), side) for image in moved]
    visible = [p for p, image in zip(positions, moved, strict=True) if image.max() > 0]
    assert max(max(row, col) for row, col in visible) == padding


def test_none_and_unknown_names() -> None:
    assert augmentation("none", 8, 8) is None
    with pytest.raises(ValueError, match="augment must be one of"):
        augmentation("mixup", 8, 8)


def test_augmentations_pickle_for_dataloader_workers() -> None:
    augment = augmentation("crop-flip", 8, 8)
    images = torch.rand(4, 1, 8, 8)

    restored = pickle.loads(pickle.dumps(augment))

    torch.manual_seed(3)
    expected = augment(images)
    torch.manual_seed(3)
    assert torch.equal(restored(images), expected)
