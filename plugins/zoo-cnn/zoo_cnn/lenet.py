"""LeNet-5 style network: two convolution and pooling stages, then three fully
connected layers.

LeCun et al. (1998) used 5x5 convolutions without padding on 32x32 images, which
would shrink an 8x8 optdigits image to nothing. Here every convolution pads to
keep its input size and every pooling rounds up, so any input of at least 1x1
works; the flatten size is computed from the declared height and width. ReLU
replaces the original scaled tanh, and pooling is max by default (``avg`` is
closer to LeNet-5's trainable averaging sub-sampling), as most modern
re-implementations do. Optional batch normalisation after each convolution and
dropout before the dense layers are additions for training speed and
regularisation; ``width`` scales every layer.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from .shapes import InputShape, input_shape

__all__ = ["LeNet5", "build_lenet5"]

#: channels of the two convolutions and sizes of the two hidden layers at width 1,
#: as in LeNet-5
BASE_SIZES = (6, 16, 120, 84)

_DEFAULT_INPUT = InputShape(channels=1, height=32, width=32, num_classes=10)

_POOLING = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}


class LeNet5(nn.Module):
    """conv, pool, conv, pool, fc, fc, fc.

    Args:
        shape: input channels, height, width and the number of classes.
        width: multiplies the channels and hidden sizes of LeNet-5 (6, 16, 120, 84).
        kernel: side of the square convolution kernels (odd, padded to keep size).
        dropout: drop probability before each fully connected layer.
        batch_norm: normalise each convolution's output over the batch.
        pooling: ``"max"``, or ``"avg"`` for LeNet-5's averaging sub-sampling.
    """

    def __init__(
        self,
        shape: InputShape,
        width: float = 1.0,
        kernel: int = 5,
        dropout: float = 0.0,
        batch_norm: bool = False,
        pooling: str = "max",
    ) -> None:
        super().__init__()
        if kernel < 1 or kernel % 2 == 0:
            raise ValueError(f"kernel must be a positive odd number, not {kernel}")
        if pooling not in _POOLING:
            raise ValueError(f"pooling must be max or avg, not {pooling!r}")
        conv1, conv2, hidden1, hidden2 = (
            max(1, round(size * width)) for size in BASE_SIZES
        )

        self.features = nn.Sequential(
            *_conv_stage(shape.channels, conv1, kernel, batch_norm, pooling),
            *_conv_stage(conv1, conv2, kernel, batch_norm, pooling),
        )

        # Each pooling halves the side, rounding up.
        height = math.ceil(math.ceil(shape.height / 2) / 2)
        width_out = math.ceil(math.ceil(shape.width / 2) / 2)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(conv2 * height * width_out, hidden1),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden1, hidden2),
            nn.ReLU(inplace=True),
            nn.Linear(hidden2, shape.num_classes),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Class logits ``(B, num_classes)`` for images ``(B, C, H, W)``."""
        return self.classifier(self.features(images))


def _conv_stage(
    in_channels: int, out_channels: int, kernel: int, batch_norm: bool, pooling: str
) -> list[nn.Module]:
    layers: list[nn.Module] = [
        nn.Conv2d(
            in_channels,
            out_channels,
            kernel,
            padding=kernel // 2,
            bias=not batch_norm,
        )
    ]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_channels))
    layers += [nn.ReLU(inplace=True), _POOLING[pooling](2, ceil_mode=True)]
    return layers


def build_lenet5(hparams: dict[str, Any], info: dict[str, Any]) -> LeNet5:
    """Builder named by the ``cnn/lenet5`` spec; sizes come from ``info``."""
    return LeNet5(
        input_shape(info, _DEFAULT_INPUT),
        width=float(hparams.get("width", 1.0)),
        kernel=int(hparams.get("kernel", 5)),
        dropout=float(hparams.get("dropout", 0.0)),
        batch_norm=bool(hparams.get("batch_norm", False)),
        pooling=str(hparams.get("pooling", "max")),
    )
