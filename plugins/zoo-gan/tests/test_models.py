"""Every registered GAN builds, generates and learns at several image sizes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

from zoo_core.api import build_model
from zoo_core.registry import Registry
from zoo_core.specs import resolve_params

# (channels, height, width): optdigits, MNIST, CIFAR-10 and an odd folder of images.
SHAPES = [(1, 8, 8), (1, 28, 28), (3, 32, 32), (3, 20, 27)]


def _registered_gan_models() -> list[str]:
    registry = Registry.from_plugins(load_entry_points=True, only={"zoo-gan"})
    return [spec.id for spec in registry.find_models("gan/*")]


GAN_MODELS = _registered_gan_models()


def test_the_plugin_registers_both_gans() -> None:
    assert GAN_MODELS == ["gan/cgan", "gan/dcgan"]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("model_id", GAN_MODELS)
def test_smoke_forward_backward_on_cpu(
    load_plugins: Callable[..., Registry],
    model_id: str,
    shape: tuple[int, int, int],
) -> None:
    registry = load_plugins("zoo-gan", "zoo-cnn")
    spec = registry.model(model_id)
    channels, height, width = shape
    info = {
        "channels": channels,
        "height": height,
        "width": width,
        "num_classes": 4,
        "mean": [0.5] * channels,
        "std": [0.25] * channels,
    }
    hparams = resolve_params(spec.params, {"width": 8, "latent_dim": 6}, spec.id)
    gan = build_model(spec, hparams, info)
    labels = torch.tensor([0, 1, 3]) if gan.num_classes else None

    images = gan.generator(torch.randn(3, 6), labels)
    assert images.shape == (3, channels, height, width), model_id
    # Pixels lie in [0, 1] before normalisation with mean 0.5 and std 0.25.
    assert images.min() >= -2.0 - 1e-5 and images.max() <= 2.0 + 1e-5

    logits = gan.discriminator(images, labels)
    assert logits.shape == (3,)
    logits.sum().backward()
    for name, parameter in gan.named_parameters():
        if parameter.requires_grad:
            assert parameter.grad is not None, f"{model_id}: no gradient for {name}"

    # The weight average samples images of the same shape, without gradients.
    assert gan.sampler is gan.average
    assert gan(torch.randn(2, 6), labels[:2] if labels is not None else None).shape == (
        2,
        channels,
        height,
        width,
    )


@pytest.mark.parametrize("model_id", GAN_MODELS)
def test_builds_without_dataset_info(
    load_plugins: Callable[..., Registry], model_id: str
) -> None:
    load_plugins("zoo-gan")
    from zoo_core.api import create_model

    gan = create_model(model_id, width=8)
    labels = torch.arange(2) if gan.num_classes else None

    assert gan(torch.randn(2, gan.latent_dim), labels).shape == (2, 1, 8, 8)


def test_conditional_generator_depends_on_the_label(
    load_plugins: Callable[..., Registry],
) -> None:
    load_plugins("zoo-gan")
    from zoo_core.api import create_model

    gan = create_model("gan/cgan", {"num_classes": 3}, width=8).eval()
    noise = torch.randn(1, gan.latent_dim).repeat(3, 1)
    images = gan(noise, torch.arange(3))

    assert not torch.equal(images[0], images[1])


def test_images_smaller_than_four_pixels_are_refused(
    load_plugins: Callable[..., Registry],
) -> None:
    load_plugins("zoo-gan")
    from zoo_core.api import create_model
    from zoo_core.errors import ConfigError

    with pytest.raises(ConfigError, match="too small"):
        create_model("gan/dcgan", {"channels": 1, "height": 3, "width": 8})
