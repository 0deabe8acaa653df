"""The image-generation task: adversarial training, Fréchet scoring and sampling.

Each batch trains the two players in turn. The discriminator learns to tell the
real batch from a freshly generated one (binary cross-entropy, with optional
one-sided label smoothing of the real targets). The generator then learns to make
the discriminator call its images real: the non-saturating loss
``-log D(G(z))`` of Goodfellow et al. (2014), which keeps its gradient strong while
the discriminator is winning. After each generator update, a moving average of
its weights is updated; samples are drawn from that average.

Scoring uses a classifier trained by the zoo on the same data (see
:mod:`zoo_gan.judge`): ``fcd`` is the Fréchet distance between its features of the
real split and of generated images (see :mod:`zoo_gan.scoring`), and
``class_accuracy`` (conditional models) is how often it agrees with the class the
generator was asked for.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from zoo_core.errors import ConfigError, DataError
from zoo_core.tasks import EvalContext, GenerateRequest, Procedure, StepContext

__all__ = ["GANProcedure", "GRID_SAMPLES", "GRID_SEED", "stack_split"]

logger = logging.getLogger(__name__)

#: images in the grid written after each epoch
GRID_SAMPLES = 64
#: the seed of the fixed noise behind that grid, so epochs are comparable
GRID_SEED = 1234
#: how many images ``zoo generate`` makes when ``--num`` is not given
DEFAULT_NUM = 64
#: the noise size of the registered models' defaults
DEFAULT_LATENT_DIM = 64


class GANProcedure(Procedure):
    """Alternating discriminator and generator updates with two Adam optimizers.

    The runtime's DistributedDataParallel wrapper is not used (``ddp = False``):
    the discriminator is called through the plain module in both players' steps,
    which that wrapper does not synchronise. With several processes each would
    train its own copy, so train GANs on one process.

    There is no per-epoch validation either: GAN losses say little about image
    quality and the Fréchet distance needs a trained classifier, so a run keeps
    its last epoch's weights and writes a sample grid after each epoch instead.
    """

    metrics = ("fcd", "class_accuracy", "class_entropy", "min_class_share")
    monitor = "fcd"
    monitor_mode = "min"
    # No split has an empty name, so the runtime never validates during training.
    valid_split = ""
    ddp = False

    def __init__(self) -> None:
        #: the classifier run behind the last :meth:`evaluate`, for reports
        self.last_classifier: str | None = None

    # -- training -----------------------------------------------------------------

    def configure_optimizers(
        self, model: Any, hparams: dict[str, Any]
    ) -> dict[str, Any]:
        import torch

        betas = (hparams.get("beta1", 0.5), hparams.get("beta2", 0.999))
        lr = hparams.get("lr", 2e-4)
        lr_discriminator = hparams.get("lr_discriminator") or lr
        return {
            "discriminator": torch.optim.Adam(
                model.discriminator.parameters(), lr=lr_discriminator, betas=betas
            ),
            "generator": torch.optim.Adam(
                model.generator.parameters(), lr=lr, betas=betas
            ),
        }

    def training_step(self, step: StepContext, batch: Any) -> dict[str, float]:
        import torch
        import torch.nn.functional as F

        real, labels = batch
        gan = step.module
        conditional = gan.num_classes > 0
        labels = labels if conditional else None
        noise = torch.randn(len(real), gan.latent_dim, device=real.device)
        real_target = 1.0 - float(step.hparams.get("label_smoothing", 0.0) or 0.0)

        # Discriminator: real images towards real_target, generated ones towards 0.
        with step.autocast():
            fake = gan.generator(noise, labels)
            real_logits = gan.discriminator(real, labels).float()
            fake_logits = gan.discriminator(fake.detach(), labels).float()
            d_loss = F.binary_cross_entropy_with_logits(
                real_logits, torch.full_like(real_logits, real_target)
            ) + F.binary_cross_entropy_with_logits(
                fake_logits, torch.zeros_like(fake_logits)
            )
        d_value = step.update(d_loss, optimizer="discriminator")

        # Generator: non-saturating loss, -log D(G(z)), on the updated judge.
        with step.autocast():
            judged = gan.discriminator(fake, labels).float()
            g_loss = F.binary_cross_entropy_with_logits(judged, torch.ones_like(judged))
        g_value = step.update(g_loss, optimizer="generator")
        gan.update_average(step.step)

        return {
            "loss": d_value + g_value,
            "d_loss": d_value,
            "g_loss": g_value,
            "d_real": torch.sigmoid(real_logits).mean().item(),
            "d_fake": torch.sigmoid(fake_logits).mean().item(),
        }

    def end_epoch(self, step: StepContext, run_dir: Path) -> None:
        """Write ``samples/epoch-NNNN.png`` from the same noise every epoch."""
        from .images import make_grid, save_png, to_pixels
        from .sampling import grid_columns, sample

        gan = step.module
        labels = _cycling_labels(GRID_SAMPLES, gan.num_classes)
        images = sample(gan, GRID_SAMPLES, labels, seed=GRID_SEED, device=step.device)
        grid = make_grid(
            to_pixels(images, step.info), columns=grid_columns(gan.num_classes)
        )
        path = save_png(grid, Path(run_dir) / "samples" / f"epoch-{step.epoch:04d}.png")
        logger.debug("wrote %s", path)

    # -- scoring ------------------------------------------------------------------

    def evaluate(self, ctx: EvalContext, split: str) -> dict[str, Any]:
        """``fcd`` (and ``class_accuracy`` when conditional) against ``split``.

        Also ``class_entropy`` and ``min_class_share``: how evenly the judge spreads
        the generated images over the classes, which falls when the generator
        collapses onto a few modes; and ``classifier``, the judge's run directory,
        so every score says whose eyes it was measured with.
        """
        from .judge import Judge
        from .scoring import score_generator

        real, labels = stack_split(ctx.bundle.split(split), split)
        judge = Judge.open(self._classifier_for(ctx), ctx.device)
        judge.check_fits(ctx.info)
        self.last_classifier = judge.source
        logger.info("judging generated images with the classifier in %s", judge.source)

        scores = score_generator(
            ctx.model,
            real,
            labels,
            judge,
            ctx.info,
            device=ctx.device,
            batch_size=ctx.batch_size,
        )
        return {**scores.metrics(), "classifier": judge.source}

    def _classifier_for(self, ctx: EvalContext) -> Path:
        """The classifier run named by ``classifier=``, or the cached default one."""
        named = ctx.hparams.get("classifier")
        if named:
            return Path(named).expanduser()

        from .judge import cached_classifier

        config = ctx.config
        if not config.get("dataset"):
            raise ConfigError(
                "no classifier to judge generated images with: train one "
                "(zoo train cnn/lenet5 --dataset D --out RUN_DIR) and set "
                "classifier=RUN_DIR"
            )
        return cached_classifier(
            config["dataset"],
            config.get("dataset_options") or {},
            config.get("data_dir"),
            ctx.device,
        )

    # -- using a trained model ------------------------------------------------------

    def generate(self, run: Any, request: GenerateRequest) -> dict[str, Any]:
        """A PNG grid at ``--out FILE.png``, or one PNG per image in ``--out DIR``.

        Without ``--out`` the grid goes to ``generated.png`` in the run directory.
        Conditional models draw the ``--label`` class, or cycle through the classes
        (one grid column each) when none is given. ``--temperature`` scales the
        noise: below 1 gives more typical, less varied images.
        """
        from .images import make_grid, save_png, to_pixels
        from .sampling import grid_columns, sample

        gan = run.model
        num = DEFAULT_NUM if request.num is None else int(request.num)
        if num < 1:
            raise ConfigError(f"--num must be at least 1, not {num}")
        labels = _requested_labels(gan, request.label, num, run.config["model"])
        seed = request.seed if request.seed is not None else _fresh_seed()
        images = sample(
            gan, num, labels, seed=seed, device=run.device, scale=request.temperature
        )
        pixels = to_pixels(images, run.info)

        out = request.out if request.out is not None else run.path / "generated.png"
        if _is_folder(out, request):
            folder = Path(out)
            files = []
            for index, image in enumerate(pixels):
                name = f"sample-{index:03d}"
                if labels is not None:
                    name += f"-class-{int(labels[index])}"
                files.append(str(save_png(image, folder / f"{name}.png")))
            return {"files": files}

        columns = grid_columns(gan.num_classes) if request.label is None else None
        grid = make_grid(pixels, columns=columns)
        return {"files": [str(save_png(grid, Path(out)))]}

    def example_inputs(
        self, info: dict[str, Any], model: Any = None
    ) -> tuple[Any, ...]:
        """One noise vector, and class 0 for a conditional model.

        Without ``model`` the default noise size is assumed and the model is taken
        to be unconditional.
        """
        import torch

        latent_dim = getattr(model, "latent_dim", DEFAULT_LATENT_DIM)
        noise = torch.zeros(1, latent_dim)
        if getattr(model, "num_classes", 0):
            return (noise, torch.zeros(1, dtype=torch.long))
        return (noise,)


def stack_split(split: Any, name: str) -> tuple[Any, Any]:
    """All images and labels of a split as two tensors."""
    import torch
    from torch.utils.data import DataLoader

    images, labels = [], []
    for batch_images, batch_labels in DataLoader(split, batch_size=1024):
        images.append(batch_images)
        labels.append(batch_labels)
    if not images:
        raise DataError(f"split {name!r} is empty; there is nothing to compare with")
    return torch.cat(images).float(), torch.cat(labels).long()


def _cycling_labels(count: int, num_classes: int) -> Any:
    """Labels 0, 1, ..., K-1, 0, 1, ... so each grid column shows one class."""
    import torch

    if not num_classes:
        return None
    return torch.arange(count) % num_classes


def _requested_labels(gan: Any, label: int | None, num: int, model: str) -> Any:
    import torch

    if not gan.num_classes:
        if label is not None:
            raise ConfigError(
                f"{model} is unconditional and cannot generate a chosen --label; "
                "train gan/cgan for that"
            )
        return None
    if label is None:
        return _cycling_labels(num, gan.num_classes)
    if not 0 <= label < gan.num_classes:
        raise ConfigError(
            f"--label must be a class index from 0 to {gan.num_classes - 1}, "
            f"not {label}"
        )
    return torch.full((num,), label, dtype=torch.long)


def _is_folder(out: Any, request: GenerateRequest) -> bool:
    """Whether ``--out`` names a folder for single images.

    It does when it is an existing folder, ends with a path separator, or has no
    file extension (``--out samples``); ``--out grid.png`` names a grid file.
    """
    if request.extra.get("out_is_folder"):
        return True
    text = str(out)
    path = Path(out)
    return path.is_dir() or text.endswith(("/", os.sep)) or not path.suffix


def _fresh_seed() -> int:
    import torch

    return int(torch.Generator().seed() % 2**31)
