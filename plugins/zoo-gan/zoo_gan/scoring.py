"""Scoring a generator against real images through a judge classifier's eyes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .frechet import FeatureStats, frechet_distance
from .judge import Judge, batched
from .sampling import sample

__all__ = ["EVAL_SEED", "MIN_GENERATED", "Scores", "score_generator"]

#: the seed of the noise behind the scored samples, so scores are repeatable
EVAL_SEED = 0
#: at least this many images are generated for scoring, however small the split:
#: the Fréchet distance estimated from few samples is biased upwards
MIN_GENERATED = 10_000


@dataclass
class Scores:
    """How generated images compare with real ones.

    Attributes:
        fcd: Fréchet distance between the judge's features of real and generated
            images.
        class_shares: fraction of generated images the judge puts in each class.
        class_accuracy: for conditional models, how often the judge's class is the
            one asked for; ``None`` otherwise.
    """

    fcd: float
    class_shares: np.ndarray
    class_accuracy: float | None = None

    @property
    def class_entropy(self) -> float:
        """Entropy of :attr:`class_shares` over its maximum: 1 is an even spread,
        0 is every image in one class (mode collapse)."""
        shares = self.class_shares[self.class_shares > 0]
        if len(self.class_shares) < 2:
            return 1.0
        return float(
            -(shares * np.log(shares)).sum() / math.log(len(self.class_shares))
        )

    @property
    def min_class_share(self) -> float:
        return float(self.class_shares.min())

    def metrics(self) -> dict[str, float]:
        """The image-generation metrics, floats only."""
        values = {
            "fcd": self.fcd,
            "class_entropy": self.class_entropy,
            "min_class_share": self.min_class_share,
        }
        if self.class_accuracy is not None:
            values["class_accuracy"] = self.class_accuracy
        return values


def score_generator(
    gan: Any,
    real: torch.Tensor,
    labels: torch.Tensor,
    judge: Judge,
    info: dict[str, Any],
    *,
    device: Any,
    batch_size: int = 256,
    seed: int = EVAL_SEED,
) -> Scores:
    """Compare generated images with ``real`` (normalised per ``info``).

    As many images as ``real`` holds are generated, and at least
    :data:`MIN_GENERATED`. A conditional generator is asked for the real images'
    ``labels``, repeated as often as needed, so both sets have the same class mix
    and ``class_accuracy`` can be measured.
    """
    count = max(len(real), MIN_GENERATED)
    conditional = gan.num_classes > 0
    wanted = labels.repeat(-(-count // len(labels)))[:count] if conditional else None
    fake = sample(gan, count, wanted, seed=seed, device=device)
    seen_real = judge.judge(batched(real, batch_size), info)
    seen_fake = judge.judge(batched(fake, batch_size), info)

    accuracy = None
    if conditional:
        accuracy = float((seen_fake.predictions == wanted.cpu().numpy()).mean())
    return Scores(
        fcd=frechet_distance(
            FeatureStats.of(seen_real.features), FeatureStats.of(seen_fake.features)
        ),
        class_shares=seen_fake.class_shares(int(judge.info["num_classes"])),
        class_accuracy=accuracy,
    )
