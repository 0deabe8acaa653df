"""The adversarial training step, the epoch grid and ``generate``, on tiny models."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from zoo_gan.images import GRID_PADDING
from zoo_gan.models import build_cgan, build_dcgan
from zoo_gan.procedure import GANProcedure

from zoo_core.errors import ConfigError
from zoo_core.tasks import GenerateRequest, StepContext

INFO = {
    "channels": 1,
    "height": 8,
    "width": 8,
    "num_classes": 3,
    "mean": [0.3],
    "std": [0.4],
}
HPARAMS = {"width": 8, "latent_dim": 4, "lr": 1e-3, "beta1": 0.5, "beta2": 0.999}


def _batch(size: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(size, 1, 8, 8, generator=generator)
    return (images - 0.3) / 0.4, torch.arange(size) % 3


def _step(gan: Any, procedure: GANProcedure, **hparams: Any) -> StepContext:
    merged = {**HPARAMS, **hparams}
    return StepContext(
        model=gan,
        module=gan,
        optimizers=procedure.configure_optimizers(gan, merged),
        hparams=merged,
        info=INFO,
        device=torch.device("cpu"),
    )


def _run(gan: Any, tmp_path: Path) -> SimpleNamespace:
    model_id = "gan/cgan" if gan.num_classes else "gan/dcgan"
    return SimpleNamespace(
        model=gan.eval(),
        info=INFO,
        device=torch.device("cpu"),
        path=tmp_path,
        config={"model": model_id},
    )


def test_optimizers_are_adam_per_player_with_dcgan_betas() -> None:
    gan = build_dcgan(HPARAMS, INFO)
    optimizers = GANProcedure().configure_optimizers(gan, {**HPARAMS, "lr": 3e-4})

    assert set(optimizers) == {"discriminator", "generator"}
    d_params = {
        id(p) for g in optimizers["discriminator"].param_groups for p in g["params"]
    }
    g_params = {
        id(p) for g in optimizers["generator"].param_groups for p in g["params"]
    }
    assert d_params == {id(p) for p in gan.discriminator.parameters()}
    assert g_params == {id(p) for p in gan.generator.parameters()}
    assert optimizers["generator"].param_groups[0]["betas"] == (0.5, 0.999)
    assert optimizers["generator"].param_groups[0]["lr"] == 3e-4


def test_step_updates_the_discriminator_then_the_generator() -> None:
    gan = build_cgan(HPARAMS, INFO)
    procedure = GANProcedure()
    step = _step(gan, procedure)
    calls: list[str] = []
    snapshots: list[tuple[torch.Tensor, torch.Tensor]] = []

    def spy(name: str, optimizer: Any) -> None:
        original = optimizer.step

        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            calls.append(name)
            snapshots.append(
                (
                    torch.nn.utils.parameters_to_vector(gan.discriminator.parameters()),
                    torch.nn.utils.parameters_to_vector(gan.generator.parameters()),
                )
            )
            return result

        optimizer.step = recorded

    for name, optimizer in step.optimizers.items():
        spy(name, optimizer)
    d_before = torch.nn.utils.parameters_to_vector(gan.discriminator.parameters())
    g_before = torch.nn.utils.parameters_to_vector(gan.generator.parameters())

    metrics = procedure.training_step(step, _batch())

    assert calls == ["discriminator", "generator"]
    (d_after_first, g_after_first), (d_after_second, g_after_second) = snapshots
    assert not torch.equal(d_after_first, d_before), "the discriminator step changed D"
    assert torch.equal(g_after_first, g_before), "the discriminator step left G alone"
    assert torch.equal(d_after_second, d_after_first), "the generator step left D"
    assert not torch.equal(g_after_second, g_after_first), "the generator step moved G"
    assert metrics["loss"] == pytest.approx(metrics["d_loss"] + metrics["g_loss"])
    assert 0.0 <= metrics["d_real"] <= 1.0 and 0.0 <= metrics["d_fake"] <= 1.0


def test_the_weight_average_follows_the_generator() -> None:
    gan = build_dcgan({**HPARAMS, "average_decay": 0.5}, INFO)
    procedure = GANProcedure()
    step = _step(gan, procedure)
    step.step = 1000  # past the ramp-up, so the decay is the configured 0.5
    before = torch.nn.utils.parameters_to_vector(gan.average.parameters())

    procedure.training_step(step, _batch())

    after = torch.nn.utils.parameters_to_vector(gan.average.parameters())
    current = torch.nn.utils.parameters_to_vector(gan.generator.parameters())
    assert torch.allclose(after, 0.5 * before + 0.5 * current, atol=1e-6)
    assert gan.sampler is gan.average


def test_without_averaging_samples_come_from_the_generator() -> None:
    gan = build_dcgan({**HPARAMS, "average_decay": 0.0}, INFO)

    assert gan.average is None
    assert gan.sampler is gan.generator


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_discriminator_loss_uses_one_sided_label_smoothing(smoothing: float) -> None:
    torch.manual_seed(0)
    gan = build_dcgan(HPARAMS, INFO)
    twin = copy.deepcopy(gan)
    procedure = GANProcedure()
    images, labels = _batch()

    torch.manual_seed(7)
    metrics = procedure.training_step(
        _step(gan, procedure, label_smoothing=smoothing), (images, labels)
    )

    # The same noise and weights, scored by hand: real images aim at 1 - smoothing,
    # generated ones at 0 (never smoothed).
    torch.manual_seed(7)
    noise = torch.randn(len(images), 4)
    with torch.no_grad():
        fake = twin.generator(noise)
        real_logits = twin.discriminator(images)
        fake_logits = twin.discriminator(fake)
    expected = F.binary_cross_entropy_with_logits(
        real_logits, torch.full_like(real_logits, 1.0 - smoothing)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    assert metrics["d_loss"] == pytest.approx(expected.item(), rel=1e-5)


def test_generator_loss_is_non_saturating() -> None:
    # When the discriminator is sure the fakes are fake, -log D(G(z)) stays large
    # and its gradient does not vanish (log(1 - D(G(z))) would go flat).
    gan = build_dcgan(HPARAMS, INFO)
    procedure = GANProcedure()
    step = _step(gan, procedure, lr=0.0)
    with torch.no_grad():
        gan.discriminator.score.bias.fill_(-30.0)

    metrics = procedure.training_step(step, _batch())

    assert metrics["g_loss"] > 20.0
    assert metrics["d_fake"] < 1e-6


def test_end_epoch_writes_the_same_grid_from_fixed_noise(tmp_path: Path) -> None:
    gan = build_cgan(HPARAMS, INFO)
    procedure = GANProcedure()
    step = _step(gan, procedure)
    state = torch.get_rng_state()

    procedure.end_epoch(step, tmp_path)
    step.epoch = 2
    procedure.end_epoch(step, tmp_path)

    assert torch.equal(torch.get_rng_state(), state), "global RNG left untouched"
    first = tmp_path / "samples" / "epoch-0001.png"
    second = tmp_path / "samples" / "epoch-0002.png"
    assert first.read_bytes() == second.read_bytes()
    assert gan.training, "the model is back in training mode"
    with Image.open(first) as image:
        # 64 images in 3 columns (one per class), each 8x8 enlarged 4 times.
        cell = 32 + GRID_PADDING
        assert image.size == (3 * cell + GRID_PADDING, 22 * cell + GRID_PADDING)


def test_generate_writes_a_grid_png_of_the_right_size(tmp_path: Path) -> None:
    gan = build_dcgan(HPARAMS, INFO)
    out = tmp_path / "grid.png"

    result = GANProcedure().generate(
        _run(gan, tmp_path), GenerateRequest(num=10, out=out, seed=3)
    )

    assert result == {"files": [str(out)]}
    with Image.open(out) as image:
        # ceil(sqrt(10)) = 4 columns and 3 rows of 32-pixel cells.
        cell = 32 + GRID_PADDING
        assert image.size == (4 * cell + GRID_PADDING, 3 * cell + GRID_PADDING)
        assert image.mode == "L"


def test_generate_is_repeatable_with_a_seed(tmp_path: Path) -> None:
    run = _run(build_dcgan(HPARAMS, INFO), tmp_path)
    procedure = GANProcedure()
    procedure.generate(run, GenerateRequest(num=4, out=tmp_path / "a.png", seed=5))
    procedure.generate(run, GenerateRequest(num=4, out=tmp_path / "b.png", seed=5))
    procedure.generate(run, GenerateRequest(num=4, out=tmp_path / "c.png", seed=6))

    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.png").read_bytes() != (tmp_path / "c.png").read_bytes()


@pytest.mark.parametrize("spelling", ["existing", "trailing-slash", "no-extension"])
def test_generate_into_a_folder_writes_single_images(
    tmp_path: Path, spelling: str
) -> None:
    gan = build_cgan(HPARAMS, INFO)
    folder = tmp_path / "singles"
    if spelling == "existing":
        folder.mkdir()
        out: Any = folder
    elif spelling == "trailing-slash":
        out = str(folder) + "/"
    else:
        out = folder

    result = GANProcedure().generate(
        _run(gan, tmp_path), GenerateRequest(num=5, out=out, seed=0, label=2)
    )

    assert len(result["files"]) == 5
    assert all(name.endswith("-class-2.png") for name in result["files"])
    with Image.open(result["files"][0]) as image:
        assert image.size == (8, 8)


def test_generate_rejects_labels_that_do_not_apply(tmp_path: Path) -> None:
    procedure = GANProcedure()
    unconditional = _run(build_dcgan(HPARAMS, INFO), tmp_path)
    conditional = _run(build_cgan(HPARAMS, INFO), tmp_path)

    with pytest.raises(ConfigError, match="unconditional"):
        procedure.generate(unconditional, GenerateRequest(num=2, label=1))
    with pytest.raises(ConfigError, match="from 0 to 2"):
        procedure.generate(conditional, GenerateRequest(num=2, label=3))


def test_example_inputs_fit_the_model() -> None:
    procedure = GANProcedure()
    for gan in (build_dcgan(HPARAMS, INFO), build_cgan(HPARAMS, INFO)):
        inputs = procedure.example_inputs(INFO, gan.eval())

        assert gan(*inputs).shape == (1, 1, 8, 8)
