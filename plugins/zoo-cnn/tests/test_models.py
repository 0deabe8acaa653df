"""Every model the plugin registers builds, runs forward and backward on CPU, for
several input shapes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

from zoo_core.api import create_model
from zoo_core.registry import Registry

#: the installed plugin's models, read at collection time through its entry point
MODEL_IDS = [
    spec.id
    for spec in Registry.from_plugins(
        load_entry_points=True, only={"zoo-cnn"}
    ).find_models()
]

#: (channels, height, width, classes): optdigits, MNIST, CIFAR-10, odd sizes
SHAPES = [(1, 8, 8, 10), (1, 28, 28, 10), (3, 32, 32, 10), (3, 13, 21, 4), (2, 1, 1, 3)]


def test_the_parametrised_list_is_what_the_registry_holds(
    load_plugins: Callable[..., Registry],
) -> None:
    registry = load_plugins("zoo-cnn")

    assert MODEL_IDS == [spec.id for spec in registry.find_models(plugin="zoo-cnn")]
    assert {"cnn/lenet5", "cnn/resnet20"} <= set(MODEL_IDS)


@pytest.mark.parametrize("model_id", MODEL_IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_smoke_forward_backward(
    load_plugins: Callable[..., Registry],
    model_id: str,
    shape: tuple[int, int, int, int],
) -> None:
    load_plugins("zoo-cnn")
    channels, height, width, classes = shape
    info = {
        "channels": channels,
        "height": height,
        "width": width,
        "num_classes": classes,
    }
    torch.manual_seed(0)
    model = create_model(model_id, info)
    images = torch.randn(3, channels, height, width)

    logits = model(images)
    logits.logsumexp(dim=1).mean().backward()

    assert logits.shape == (3, classes), model_id
    assert torch.isfinite(logits).all(), model_id
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None, f"{model_id}: {name} got no gradient"
        assert torch.isfinite(parameter.grad).all(), f"{model_id}: {name}"


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_builds_with_no_info(
    load_plugins: Callable[..., Registry], model_id: str
) -> None:
    load_plugins("zoo-cnn")

    model = create_model(model_id)

    first_conv = next(m for m in model.modules() if isinstance(m, torch.nn.Conv2d))
    images = torch.randn(2, first_conv.in_channels, 32, 32)
    assert model(images).shape == (2, 10)


def test_lenet5_has_the_lenet_layout(load_plugins: Callable[..., Registry]) -> None:
    load_plugins("zoo-cnn")

    model = create_model("cnn/lenet5", width=1.0, kernel=5, batch_norm=False)

    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    pools = [m for m in model.modules() if isinstance(m, torch.nn.MaxPool2d)]
    dense = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert [c.out_channels for c in convs] == [6, 16]
    assert [c.kernel_size for c in convs] == [(5, 5), (5, 5)]
    assert len(pools) == 2
    assert [d.out_features for d in dense] == [120, 84, 10]
    # 32x32 input, size kept by padding, halved twice: 16 channels of 8x8.
    assert dense[0].in_features == 16 * 8 * 8


def test_resnet20_has_twenty_weighted_layers(
    load_plugins: Callable[..., Registry],
) -> None:
    load_plugins("zoo-cnn")

    model = create_model("cnn/resnet20")

    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    dense = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert len(convs) + len(dense) == 20
    assert sorted({c.out_channels for c in convs}) == [16, 32, 64]
    # Option A shortcuts add no weights: about 0.27M parameters as in the paper.
    count = sum(p.numel() for p in model.parameters())
    assert 0.26e6 < count < 0.28e6


def test_lenet5_rejects_an_even_kernel(load_plugins: Callable[..., Registry]) -> None:
    from zoo_core.errors import ConfigError

    load_plugins("zoo-cnn")

    with pytest.raises(ConfigError, match="kernel must be a positive odd number"):
        create_model("cnn/lenet5", kernel=4)
