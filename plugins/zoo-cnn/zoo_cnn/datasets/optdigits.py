"""UCI optdigits, shipped inside the plugin: 8x8 digits with counts from 0 to 16."""

from __future__ import annotations

from importlib import resources

from zoo_core.data import DataBundle, LoadContext
from zoo_core.formats import read_optdigits

from ._bundle import LabelledImages, image_bundle

__all__ = ["load_optdigits"]

#: where the files live inside the installed package
PACKAGE_FOLDER = ("data", "optdigits")
TRAIN_FILE = "optdigits.tra"
TEST_FILE = "optdigits.tes"

#: a pixel counts the "on" pixels of a 4x4 block, so 16 is full intensity
FULL_COUNT = 16


def load_optdigits(ctx: LoadContext) -> DataBundle:
    """UCI's own split: 3,823 training digits (30 writers) and 1,797 test digits
    (13 other writers), with an optional ``valid`` split held out of training.

    Pixels are scaled to [0, 1] by dividing by 16, so a PNG rendered with
    ``count * 255 / 16`` reads back through ``zoo predict`` as the same input.
    Digits are bright strokes on a dark background; a scan of dark ink on white
    paper must be inverted (and cut to the digit) before ``zoo predict``, which
    does neither.
    """
    folder = resources.files("zoo_cnn").joinpath(*PACKAGE_FOLDER)
    with resources.as_file(folder.joinpath(TRAIN_FILE)) as path:
        train = LabelledImages(*read_optdigits(path))
    with resources.as_file(folder.joinpath(TEST_FILE)) as path:
        test = LabelledImages(*read_optdigits(path))

    return image_bundle(
        train,
        test,
        [str(digit) for digit in range(10)],
        scale=FULL_COUNT,
        augment=ctx.options.get("augment", "none"),
        valid_fraction=ctx.options.get("valid_fraction", 0.0),
        seed=ctx.seed,
    )
