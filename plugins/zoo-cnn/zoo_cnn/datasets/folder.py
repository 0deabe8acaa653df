"""A user's own images: one subfolder per class, PNG or JPEG, resized on loading.

Decoding thousands of image files is slow, so the decoded pixels are kept in the
dataset's cache folder, keyed by the file names, sizes and modification times
and by the requested size and channels; changing any of them decodes again.

Every decoded image is held in memory (as uint8, size x size x channels bytes
each), so a folder whose images do not fit in memory at the chosen size cannot be
used; there is no streaming from disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from zoo_core.data import DataBundle, LoadContext
from zoo_core.errors import ConfigError, DataError
from zoo_core.formats import read_image, scan_image_folder

from ._bundle import LabelledImages, image_bundle

__all__ = ["load_image_folder", "read_folder"]

logger = logging.getLogger(__name__)


def load_image_folder(ctx: LoadContext) -> DataBundle:
    """Train (and valid) from ``path``; a test split from ``test_path`` if given.

    Class names are the subfolder names of ``path``, sorted. ``test_path`` must
    use the same names, though it may lack some classes.
    """
    options = ctx.options
    path = options.get("path")
    if not path:
        raise ConfigError(
            "dataset image-folder needs the folder of your images: "
            "--set data.path=FOLDER (one subfolder of PNG or JPEG files per class)"
        )
    size, channels = int(options.get("size", 32)), int(options.get("channels", 3))

    train, classes = read_folder(Path(path).expanduser(), size, channels, ctx.cache_dir)
    test = None
    if options.get("test_path"):
        test_folder = Path(options["test_path"]).expanduser()
        test, test_classes = read_folder(test_folder, size, channels, ctx.cache_dir)
        test.labels = _relabel(test.labels, test_classes, classes, test_folder)

    return image_bundle(
        train,
        test,
        classes,
        scale=255,
        augment=options.get("augment", "none"),
        valid_fraction=options.get("valid_fraction", 0.0),
        seed=ctx.seed,
    )


def read_folder(
    root: Path, size: int, channels: int, cache: Path | None = None
) -> tuple[LabelledImages, list[str]]:
    """Decode every image under ``root/<class>/`` to ``size`` x ``size`` pixels.

    Returns:
        The images as uint8 ``(N, size, size, channels)`` with their labels, and
        the class names in label order.

    Raises:
        DataError: naming the folder or the image file that cannot be used.
    """
    paths, labels, classes = scan_image_folder(root)
    cached = _cache_file(cache, root, paths, size, channels) if cache else None
    if cached is not None and cached.exists():
        with np.load(cached) as stored:
            return LabelledImages(stored["images"], stored["labels"]), classes

    logger.info("decoding %d images under %s", len(paths), root)
    images = np.stack([read_image(path, (size, size), channels) for path in paths])
    if cached is not None:
        _store(cached, images, labels)
    return LabelledImages(images, labels), classes


def _cache_file(
    cache: Path, root: Path, paths: list[Path], size: int, channels: int
) -> Path:
    listing = []
    for path in paths:
        status = path.stat()
        listing.append(
            [str(path.relative_to(root)), status.st_size, status.st_mtime_ns]
        )
    key = json.dumps(
        {
            "root": str(root.resolve()),
            "files": listing,
            "size": size,
            "channels": channels,
        }
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return cache / f"images-{digest}.npz"


def _store(target: Path, images: np.ndarray, labels: np.ndarray) -> None:
    """Write the decoded images next to ``target`` and rename into place, so an
    interrupted write never leaves a truncated cache file behind."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp.npz")
    try:
        np.savez(temporary, images=images, labels=labels)
        os.replace(temporary, target)
    except OSError as exc:
        logger.warning("could not cache decoded images in %s: %s", target, exc)
        temporary.unlink(missing_ok=True)


def _relabel(
    labels: np.ndarray, names: list[str], classes: list[str], folder: Path
) -> np.ndarray:
    """Map labels numbered by ``names`` onto the numbering of ``classes``."""
    unknown = sorted(set(names) - set(classes))
    if unknown:
        raise DataError(
            f"{folder} has class folders {', '.join(unknown)} that the training "
            f"folder lacks; its classes must be among {', '.join(classes)}"
        )
    mapping = np.array([classes.index(name) for name in names], dtype=np.int64)
    return mapping[labels]
