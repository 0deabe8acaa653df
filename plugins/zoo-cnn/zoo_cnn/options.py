"""Dataset options shared by the plugin's image datasets.

Kept free of torch and numpy: the plugin module imports it to declare specs, and
listing the registry must stay fast.
"""

from __future__ import annotations

from zoo_core.specs import Param

__all__ = ["AUGMENT_CHOICES", "augment_param", "valid_fraction_param"]

#: names accepted by the ``augment`` option; zoo_cnn.augment says what each does
AUGMENT_CHOICES = ("none", "crop", "crop-flip", "affine")


def augment_param(default: str) -> Param:
    """The ``augment`` option, with the dataset's standard augmentation as default."""
    return Param(
        "augment",
        default,
        "str",
        "training-split augmentation: none; crop (zero-pad 1/8 of the side, random "
        "crop); crop-flip (crop plus a horizontal flip half the time); affine "
        "(rotate up to 10 degrees, scale 0.9-1.1, shift up to 1/16 of the side)",
        choices=AUGMENT_CHOICES,
    )


def valid_fraction_param(default: float) -> Param:
    """The ``valid_fraction`` option: a share of the training images held out."""
    return Param(
        "valid_fraction",
        default,
        "float",
        "share of the training images held out (at random, by the run's seed) as "
        "a 'valid' split that picks the best epoch; 0 keeps them all for training",
        min=0.0,
        max=0.9,
    )
