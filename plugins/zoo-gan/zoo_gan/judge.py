"""The classifier that judges generated images: its features and its predictions.

The Fréchet distance needs a feature space in which real and generated images are
compared. We use a classifier trained by the zoo on the same dataset (a run
directory of an image-classification model such as ``cnn/lenet5``): its features
are the input of its last linear layer, and its predictions tell which class a
generated image looks like.

When no classifier is named, one is trained through the runtime into the zoo's
cache and reused by later evaluations on the same dataset and options.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from zoo_core.data import cache_dir
from zoo_core.errors import ConfigError

__all__ = [
    "JUDGE_MODEL",
    "Judge",
    "Judgement",
    "cached_classifier",
    "renormalise",
]

logger = logging.getLogger(__name__)

#: the model trained as a judge when the user names none
JUDGE_MODEL = "cnn/lenet5"
#: the seed the cached judge is trained with, so every evaluation shares it
JUDGE_SEED = 0
#: hyperparameters of the cached judge beyond its model's defaults (none by default)
JUDGE_HPARAMS: dict[str, Any] = {}


@dataclass
class Judgement:
    """What the judge saw in a set of images.

    Attributes:
        features: ``(N, D)`` penultimate-layer features, float64.
        predictions: ``(N,)`` predicted class indices.
    """

    features: np.ndarray
    predictions: np.ndarray

    def class_shares(self, num_classes: int) -> np.ndarray:
        """The fraction of images predicted as each class."""
        counts = np.bincount(self.predictions, minlength=num_classes)
        return counts / max(1, counts.sum())


class Judge:
    """A trained classifier used to extract features and predict classes.

    Args:
        model: the classifier, in eval mode.
        info: the metadata of the data it was trained on (shape, normalisation).
        device: where the classifier lives.
        source: the run directory it was loaded from, to name in reports.
    """

    def __init__(
        self, model: nn.Module, info: dict[str, Any], device: Any, source: str
    ) -> None:
        self.model = model.eval()
        self.info = info
        self.device = device
        self.source = source
        self._last_linear_input: torch.Tensor | None = None
        linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
        if not linears:
            raise ConfigError(
                f"classifier {source} has no linear layer to take features from; "
                "name a classifier run with a final linear layer (e.g. cnn/lenet5)"
            )
        for layer in linears:
            layer.register_forward_pre_hook(self._remember_input)

    @classmethod
    def open(cls, run_dir: str | os.PathLike[str], device: Any) -> Judge:
        """Load a classifier run directory written by ``zoo train``."""
        from zoo_core.runtime.run import LoadedRun

        run = LoadedRun.open(run_dir, device=str(device))
        if not run.info.get("num_classes"):
            raise ConfigError(
                f"{run_dir} is a {run.config['model']} run, not an image classifier; "
                "set classifier= to a run of an image-classification model"
            )
        return cls(run.model, run.info, run.device, str(run.path))

    def check_fits(self, info: dict[str, Any]) -> None:
        """Raise ConfigError unless the judge was trained on images like ``info``'s."""
        for key in ("channels", "height", "width", "num_classes"):
            mine, theirs = self.info.get(key), info.get(key)
            if theirs is not None and mine != theirs:
                raise ConfigError(
                    f"classifier {self.source} was trained on data with {key}="
                    f"{mine}, but the images to judge have {key}={theirs}; name a "
                    "classifier trained on the same dataset"
                )

    def judge(self, batches: Iterable[torch.Tensor], info: dict[str, Any]) -> Judgement:
        """Features and predicted classes of images normalised as ``info`` says."""
        features, predictions = [], []
        with torch.no_grad():
            for images in batches:
                inputs = renormalise(images.to(self.device), info, self.info)
                logits = self.model(inputs)
                if self._last_linear_input is None:
                    raise ConfigError(f"classifier {self.source} ran no linear layer")
                features.append(
                    self._last_linear_input.flatten(1).double().cpu().numpy()
                )
                predictions.append(logits.argmax(dim=1).cpu().numpy())
                self._last_linear_input = None
        return Judgement(np.concatenate(features), np.concatenate(predictions))

    def _remember_input(self, module: nn.Module, inputs: tuple[Any, ...]) -> None:
        # Every linear layer overwrites this, so after a forward pass it holds the
        # input of the last one that ran: the classifier's penultimate features.
        self._last_linear_input = inputs[0].detach()


def renormalise(
    images: torch.Tensor, source: dict[str, Any], target: dict[str, Any]
) -> torch.Tensor:
    """Re-express images normalised with ``source`` statistics in ``target``'s."""
    channels = images.shape[1]
    source_mean, source_std = _stats(source, channels, images)
    target_mean, target_std = _stats(target, channels, images)
    pixels = images * source_std + source_mean
    return (pixels - target_mean) / target_std


def cached_classifier(
    dataset: str,
    options: dict[str, Any],
    data_dir: str | None,
    device: Any,
    hparams: dict[str, Any] | None = None,
) -> Path:
    """A classifier run for ``dataset``, trained once into the cache and reused.

    The cache key covers the dataset, its options, the judge model and any
    ``hparams`` overriding its defaults (:data:`JUDGE_HPARAMS` when None), so a
    different split or resolution gets its own judge. Training goes to a
    temporary folder that is renamed into place when complete, so an interrupted
    run is never picked up.
    """
    hparams = dict(JUDGE_HPARAMS if hparams is None else hparams)
    key = json.dumps(
        {"model": JUDGE_MODEL, "options": options, "seed": JUDGE_SEED, **hparams},
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    folder = cache_dir("gan-classifiers", dataset)
    target = folder / f"{JUDGE_MODEL.replace('/', '-')}-{digest}"
    if (target / "weights.safetensors").exists():
        return target

    from zoo_core.runtime.trainer import TrainRequest, train

    logger.info(
        "training %s on %s as the judge of generated images (once; cached in %s)",
        JUDGE_MODEL,
        dataset,
        target,
    )
    scratch = Path(tempfile.mkdtemp(prefix=".training-", dir=folder))
    try:
        train(
            TrainRequest(
                model=JUDGE_MODEL,
                dataset=dataset,
                overrides={
                    **hparams,
                    **{f"data.{name}": value for name, value in options.items()},
                },
                seed=JUDGE_SEED,
                device=str(device),
                data_dir=data_dir,
                out=scratch / "run",
                progress=False,
            )
        )
        if not target.exists():
            os.replace(scratch / "run", target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def batched(images: torch.Tensor, batch_size: int) -> Iterator[torch.Tensor]:
    """Slices of a tensor of images, ``batch_size`` at a time."""
    for start in range(0, len(images), batch_size):
        yield images[start : start + batch_size]


def _stats(
    info: dict[str, Any], channels: int, like: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    values = []
    for key, default in (("mean", 0.0), ("std", 1.0)):
        value = info.get(key, default)
        if isinstance(value, (int, float)):
            value = [float(value)]
        if len(value) == 1:
            value = list(value) * channels
        values.append(
            torch.tensor(value, dtype=like.dtype, device=like.device).view(1, -1, 1, 1)
        )
    return values[0], values[1]
