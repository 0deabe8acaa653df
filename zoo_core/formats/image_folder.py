"""Image classification data laid out as one subfolder of images per class."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import DataError, DatasetMissingError
from ._files import PathLike, require_file

__all__ = ["read_image", "scan_image_folder"]

_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def scan_image_folder(
    root: PathLike, extensions: Sequence[str] = (".png", ".jpg", ".jpeg")
) -> tuple[list[Path], np.ndarray, list[str]]:
    """List the images under ``root/<class>/`` without opening them.

    Classes are the subfolder names in sorted order, and label ``k`` is
    ``classes[k]``. Images are searched recursively inside each class folder and
    matched on their extension, ignoring case; hidden files and folders (names
    starting with ``.``) are skipped.

    Returns:
        ``(paths, labels, classes)``: paths sorted within each class, int64 labels
        of the same length, class names.

    Raises:
        DatasetMissingError: ``root`` does not exist.
        DataError: ``root`` has no class subfolders, a class folder holds no
            image, or an image is a broken link.
    """
    root = Path(root)
    if not root.exists():
        raise DatasetMissingError(
            f"{root} does not exist; expected a folder of class folders"
        )
    if not root.is_dir():
        raise DataError(f"{root} is not a folder; expected one subfolder per class")

    classes = sorted(
        p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    if not classes:
        raise DataError(
            f"{root} has no class subfolders; expected one folder per class, "
            "such as cat/ and dog/, holding that class's images"
        )

    wanted = {extension.lower() for extension in extensions}
    paths: list[Path] = []
    labels: list[int] = []
    for label, name in enumerate(classes):
        images = _images_in(root / name, wanted)
        if not images:
            raise DataError(
                f"{root / name} holds no images; expected files ending in "
                f"{', '.join(sorted(wanted))} in every class folder"
            )
        paths.extend(images)
        labels.extend([label] * len(images))
    return paths, np.asarray(labels, dtype=np.int64), classes


def _images_in(folder: Path, extensions: set[str]) -> list[Path]:
    found = []
    for directory, subdirs, files in os.walk(folder, followlinks=True):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or Path(name).suffix.lower() not in extensions:
                continue
            path = Path(directory, name)
            if not path.is_file():
                raise DataError(
                    f"{path} is a broken link or not a file; expected an image"
                )
            found.append(path)
    return sorted(found)


def read_image(
    path: PathLike, size: tuple[int, int] | None = None, channels: int = 3
) -> np.ndarray:
    """Decode one image with Pillow into a uint8 array of shape (H, W, C).

    The pixels are taken as stored: an EXIF orientation tag is not applied (a
    phone photo may come out on its side), and an animated image gives its first
    frame.

    Args:
        path: the image file (any format Pillow reads).
        size: ``(height, width)`` to resize to with bilinear filtering, or
            ``None`` to keep the file's size.
        channels: 1 (grey), 3 (RGB) or 4 (RGBA); the image is converted to it.

    Raises:
        DatasetMissingError: the file does not exist.
        DataError: the file is not an image Pillow can decode, or is truncated.
    """
    from PIL import Image, UnidentifiedImageError

    if channels not in _MODES:
        raise ValueError(f"channels must be 1, 3 or 4, not {channels}")
    path = require_file(path, "an image")

    try:
        with Image.open(path) as image:
            image = image.convert(_MODES[channels])
            if size is not None:
                height, width = size
                image = image.resize((width, height), Image.Resampling.BILINEAR)
            array = np.asarray(image, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise DataError(
            f"{path} cannot be read as an image ({exc}); expected a PNG, JPEG or "
            "other format Pillow decodes"
        ) from None
    return array.reshape(array.shape[0], array.shape[1], channels)
