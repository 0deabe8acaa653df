"""DCGAN-style generator and discriminator that size themselves from the dataset.

The generator starts from a feature map of about 2x2, doubles its side with
transposed convolutions until it reaches the image, and crops any overshoot, so the
same code serves 8x8 digits, 28x28 MNIST and 32x32 colour images. The discriminator
mirrors it with strided convolutions. It draws pixels in
``[0, 1]`` and normalises them with the dataset's ``mean`` and ``std``, so the
discriminator sees fake and real images on the same scale.

The conditional variant feeds a class embedding to the generator next to the noise
(Mirza and Osindero, 2014) and scores images with a projection discriminator
(Miyato and Koyama, 2018): the inner product of a class embedding with the
discriminator's features is added to its unconditional score.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from zoo_core.runtime.averaging import move_average

__all__ = [
    "GAN",
    "Discriminator",
    "Generator",
    "ImageShape",
    "build_cgan",
    "build_dcgan",
    "level_channels",
    "upsampling_steps",
]

#: the side length, in pixels, that the generator's first feature map stays within
_BASE_SIDE = 2
#: channels stop doubling after this many levels, so large images stay affordable
_MAX_DOUBLINGS = 3


@dataclass(frozen=True)
class ImageShape:
    """Channels, height and width of the images a model makes and judges."""

    channels: int
    height: int
    width: int

    @classmethod
    def from_info(cls, info: dict[str, Any]) -> ImageShape:
        """Read the shape from dataset metadata; 8x8 greyscale digits by default."""
        return cls(
            channels=int(info.get("channels", 1)),
            height=int(info.get("height", 8)),
            width=int(info.get("width", 8)),
        )


def upsampling_steps(shape: ImageShape) -> int:
    """How many times the generator doubles its feature map (at least once).

    Chosen so that the first map's shorter side is about :data:`_BASE_SIDE` pixels:
    two steps for 8x8 images, three for 28x28, four for 32x32.
    """
    shorter = min(shape.height, shape.width)
    if shorter < 4:
        raise ValueError(
            f"images of {shape.height}x{shape.width} pixels are too small; "
            "the GAN models need at least 4x4"
        )
    return max(1, int(math.log2(shorter / _BASE_SIDE)))


def level_channels(width: int, doublings: int) -> int:
    """Channels of a feature map ``doublings`` halvings of the side below the image."""
    return width * 2 ** min(doublings, _MAX_DOUBLINGS)


class Generator(nn.Module):
    """Maps noise (and a class, when conditional) to a normalised image batch.

    Args:
        shape: the images to produce.
        latent_dim: length of the noise vector.
        width: channels at full resolution; each coarser level doubles them, up to
            eight times ``width``.
        num_classes: classes to condition on; 0 makes it unconditional.
        mean: per-channel mean the dataset is normalised with.
        std: per-channel standard deviation the dataset is normalised with.
    """

    def __init__(
        self,
        shape: ImageShape,
        latent_dim: int,
        width: int,
        num_classes: int = 0,
        mean: list[float] | None = None,
        std: list[float] | None = None,
    ) -> None:
        super().__init__()
        self.shape = shape
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        steps = upsampling_steps(shape)
        self.base_height = math.ceil(shape.height / 2**steps)
        self.base_width = math.ceil(shape.width / 2**steps)
        self.base_channels = level_channels(width, steps)

        # Conditioning: a learned class vector the size of the noise, appended to it.
        self.embed = nn.Embedding(num_classes, latent_dim) if num_classes else None
        inputs = latent_dim * (2 if num_classes else 1)
        self.project = nn.Sequential(
            nn.Linear(inputs, self.base_channels * self.base_height * self.base_width),
            nn.Unflatten(1, (self.base_channels, self.base_height, self.base_width)),
            nn.BatchNorm2d(self.base_channels),
            nn.ReLU(inplace=True),
        )

        # Each level doubles the side and halves the channels (once below the cap).
        levels: list[nn.Module] = []
        channels = self.base_channels
        for remaining in reversed(range(steps)):
            out = level_channels(width, remaining)
            levels += [
                nn.ConvTranspose2d(channels, out, 4, 2, 1, bias=False),
                nn.BatchNorm2d(out),
                nn.ReLU(inplace=True),
            ]
            channels = out
        self.upsample = nn.Sequential(*levels)
        self.to_pixels = nn.Conv2d(channels, shape.channels, 3, 1, 1)

        self.register_buffer("mean", _per_channel(mean, 0.0, shape), persistent=False)
        self.register_buffer("std", _per_channel(std, 1.0, shape), persistent=False)

    def forward(
        self, noise: torch.Tensor, labels: torch.Tensor | None = None
    ) -> torch.Tensor:
        inputs = noise
        if self.embed is not None:
            if labels is None:
                raise ValueError("this generator is conditional: pass labels")
            inputs = torch.cat([noise, self.embed(labels)], dim=1)

        features = self.upsample(self.project(inputs))
        pixels = torch.sigmoid(self.to_pixels(features))
        pixels = pixels[:, :, : self.shape.height, : self.shape.width]
        return (pixels - self.mean) / self.std


class Discriminator(nn.Module):
    """Scores images as real (high) or generated (low); one logit per image.

    Args:
        shape: the images to judge.
        width: channels of the first convolution; each halving of the side
            doubles them, up to eight times ``width``.
        num_classes: classes for the projection term; 0 makes it unconditional.
    """

    def __init__(self, shape: ImageShape, width: int, num_classes: int = 0) -> None:
        super().__init__()
        steps = upsampling_steps(shape)
        layers: list[nn.Module] = [
            nn.Conv2d(shape.channels, width, 3, 1, 1),
            nn.LeakyReLU(0.2, inplace=True),
        ]
        channels, height, side_width = width, shape.height, shape.width
        for level in range(1, steps + 1):
            out = level_channels(width, level)
            layers += [
                nn.Conv2d(channels, out, 4, 2, 1, bias=False),
                nn.BatchNorm2d(out),
                nn.LeakyReLU(0.2, inplace=True),
            ]
            channels, height, side_width = out, height // 2, side_width // 2
        layers.append(nn.Flatten())
        self.features = nn.Sequential(*layers)

        size = channels * height * side_width
        self.score = nn.Linear(size, 1)
        self.embed = nn.Embedding(num_classes, size) if num_classes else None

    def forward(
        self, images: torch.Tensor, labels: torch.Tensor | None = None
    ) -> torch.Tensor:
        features = self.features(images)
        logits = self.score(features).squeeze(1)
        if self.embed is not None:
            if labels is None:
                raise ValueError("this discriminator is conditional: pass labels")
            logits = logits + (self.embed(labels) * features).sum(dim=1)
        return logits


class GAN(nn.Module):
    """The pair trained against each other, saved and loaded as one state dict.

    With ``average_decay`` above 0 it also keeps an exponential moving average of
    the generator's weights (Yazıcı et al., 2019), which samples markedly better
    than the last weights of a generator that still oscillates. Sampling,
    ``forward`` and export use :attr:`sampler`: the average when there is one.
    """

    def __init__(
        self,
        generator: Generator,
        discriminator: Discriminator,
        average_decay: float = 0.0,
    ) -> None:
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.average_decay = average_decay
        self.average: Generator | None = None
        if average_decay > 0:
            self.average = copy.deepcopy(generator).requires_grad_(False)

    @property
    def latent_dim(self) -> int:
        return self.generator.latent_dim

    @property
    def num_classes(self) -> int:
        """Classes it is conditioned on; 0 for an unconditional model."""
        return self.generator.num_classes

    @property
    def sampler(self) -> Generator:
        """The generator to draw images from: the weight average, if kept."""
        return self.average if self.average is not None else self.generator

    def update_average(self, step: int) -> None:
        """Move the averaged weights towards the generator's after an update.

        See :func:`zoo_core.runtime.averaging.move_average` for the decay's ramp.
        """
        if self.average is not None:
            move_average(self.average, self.generator, self.average_decay, step)

    def forward(
        self, noise: torch.Tensor, labels: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.sampler(noise, labels)


def build_dcgan(hparams: dict[str, Any], info: dict[str, Any]) -> GAN:
    """Builder of ``gan/dcgan``: an unconditional generator and discriminator."""
    return _build(hparams, info, num_classes=0)


def build_cgan(hparams: dict[str, Any], info: dict[str, Any]) -> GAN:
    """Builder of ``gan/cgan``: both players conditioned on the class label."""
    num_classes = int(info.get("num_classes", 10))
    if num_classes < 2:
        raise ValueError(
            f"a class-conditional GAN needs at least 2 classes, the data has "
            f"{num_classes}"
        )
    return _build(hparams, info, num_classes=num_classes)


def _build(hparams: dict[str, Any], info: dict[str, Any], num_classes: int) -> GAN:
    shape = ImageShape.from_info(info)
    generator = Generator(
        shape,
        latent_dim=int(hparams.get("latent_dim", 64)),
        width=int(hparams.get("width", 64)),
        num_classes=num_classes,
        mean=info.get("mean"),
        std=info.get("std"),
    )
    discriminator = Discriminator(
        shape, width=int(hparams.get("width", 64)), num_classes=num_classes
    )
    generator.apply(_dcgan_init)
    discriminator.apply(_dcgan_init)
    return GAN(
        generator,
        discriminator,
        average_decay=float(hparams.get("average_decay", 0.999) or 0.0),
    )


def _dcgan_init(module: nn.Module) -> None:
    """Small normal weights, as the DCGAN paper recommends for stable starts."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, 0.0, 0.02)


def _per_channel(
    values: list[float] | None, default: float, shape: ImageShape
) -> torch.Tensor:
    """A ``(1, C, 1, 1)`` tensor from per-channel statistics (or one shared value)."""
    if values is None:
        values = [default] * shape.channels
    if isinstance(values, (int, float)):
        values = [float(values)] * shape.channels
    if len(values) == 1 and shape.channels > 1:
        values = list(values) * shape.channels
    if len(values) != shape.channels:
        raise ValueError(
            f"info gives {len(values)} normalisation values for "
            f"{shape.channels} channels"
        )
    return torch.tensor(values, dtype=torch.float32).view(1, -1, 1, 1)
