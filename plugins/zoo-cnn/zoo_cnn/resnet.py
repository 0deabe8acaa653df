"""ResNet-20, the CIFAR residual network of He, Zhang, Ren and Sun (2016), section 4.2.

A 3x3 convolution with 16 channels, then three stages of three basic blocks with
16, 32 and 64 channels (the second and third stages halve the side in their first
block), global average pooling and one linear layer: 6n + 2 = 20 weighted layers
with n = 3. Shortcuts are identities; where a block halves the side and doubles
the channels, the shortcut subsamples and pads the new channels with zeros (the
paper's option A), so the network has no projection weights. Global pooling lets
it take any input size and the first convolution any channel count.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .shapes import InputShape, input_shape

__all__ = ["BasicBlock", "ResNet", "build_resnet20"]

_DEFAULT_INPUT = InputShape(channels=3, height=32, width=32, num_classes=10)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm, added to the (padded) input."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride=stride, padding=1, bias=False
        )
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.stride = stride
        self.extra_channels = out_channels - in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self._shortcut(x))

    def _shortcut(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]
        if self.extra_channels > 0:
            # Option A: the new channels of the shortcut are zeros.
            x = F.pad(x, (0, 0, 0, 0, 0, self.extra_channels))
        return x


class ResNet(nn.Module):
    """A CIFAR-style ResNet with ``blocks`` basic blocks per stage.

    Args:
        shape: input channels and the number of classes (height and width are free).
        blocks: basic blocks in each of the three stages; 3 gives ResNet-20.
        widths: channels of the three stages.
    """

    def __init__(
        self,
        shape: InputShape,
        blocks: int = 3,
        widths: tuple[int, int, int] = (16, 32, 64),
    ) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(shape.channels, widths[0], 3, padding=1, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(inplace=True),
        )

        stages: list[nn.Module] = []
        in_channels = widths[0]
        for index, out_channels in enumerate(widths):
            stride = 1 if index == 0 else 2
            for block in range(blocks):
                stages.append(
                    BasicBlock(in_channels, out_channels, stride if block == 0 else 1)
                )
                in_channels = out_channels
        self.stages = nn.Sequential(*stages)

        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_channels, shape.num_classes)
        self._initialise()

    def _initialise(self) -> None:
        # He et al. initialise convolutions as in their 2015 paper (He init).
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(
                    module.weight, mode="fan_out", nonlinearity="relu"
                )
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Class logits ``(B, num_classes)`` for images ``(B, C, H, W)``."""
        features = self.pool(self.stages(self.stem(images)))
        return self.fc(features.flatten(1))


def build_resnet20(hparams: dict[str, Any], info: dict[str, Any]) -> ResNet:
    """Builder named by the ``cnn/resnet20`` spec; sizes come from ``info``."""
    return ResNet(input_shape(info, _DEFAULT_INPUT), blocks=3)
