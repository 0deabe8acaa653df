"""Class-per-folder image datasets and image decoding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from zoo_core.errors import DataError, DatasetMissingError
from zoo_core.formats import read_image, scan_image_folder


def save(
    path: Path, color: tuple[int, int, int], size: tuple[int, int] = (6, 4)
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)
    return path


def test_classes_are_sorted_folders(tmp_path: Path) -> None:
    save(tmp_path / "dog" / "b.png", (0, 0, 255))
    save(tmp_path / "dog" / "a.JPG", (0, 255, 0))
    save(tmp_path / "cat" / "nested" / "c.jpeg", (255, 0, 0))
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    save(tmp_path / ".hidden" / "x.png", (1, 1, 1))

    paths, labels, classes = scan_image_folder(tmp_path)

    assert classes == ["cat", "dog"]
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "cat/nested/c.jpeg",
        "dog/a.JPG",
        "dog/b.png",
    ]
    assert labels.tolist() == [0, 1, 1] and labels.dtype == np.int64


def test_no_classes_or_an_empty_class(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="has no class subfolders"):
        scan_image_folder(tmp_path)

    save(tmp_path / "cat" / "a.png", (0, 0, 0))
    (tmp_path / "dog").mkdir()
    (tmp_path / "dog" / "a.gif").write_bytes(b"GIF89a")
    with pytest.raises(DataError, match=r"dog holds no images; expected files ending"):
        scan_image_folder(tmp_path)


def test_a_missing_root(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError):
        scan_image_folder(tmp_path / "none")


def test_read_image_converts_and_resizes(tmp_path: Path) -> None:
    path = save(tmp_path / "a.png", (200, 100, 50), size=(6, 4))

    rgb = read_image(path)
    grey = read_image(path, size=(2, 3), channels=1)
    rgba = read_image(path, channels=4)

    assert rgb.shape == (4, 6, 3) and rgb.dtype == np.uint8
    assert rgb[0, 0].tolist() == [200, 100, 50]
    assert grey.shape == (2, 3, 1)
    assert rgba.shape == (4, 6, 4) and rgba[0, 0, 3] == 255


@pytest.mark.parametrize(
    "content", [b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20]
)
def test_an_unreadable_image_is_named(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.png").write_bytes(content)

    with pytest.raises(DataError, match=r"bad\.png cannot be read as an image"):
        read_image(tmp_path / "bad.png")


def test_a_truncated_image_is_named(tmp_path: Path) -> None:
    path = save(tmp_path / "a.jpg", (10, 20, 30), size=(64, 64))
    path.write_bytes(path.read_bytes()[:200])

    with pytest.raises(DataError, match=r"a\.jpg cannot be read as an image"):
        read_image(path)


def test_a_missing_image(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError):
        read_image(tmp_path / "none.png")
