"""Evaluation protocols: which ratings train, which validate, which test.

``random-80-20``
    A random fifth of all ratings is the test split (rating prediction's usual
    hold-out).
``kfold``
    Fold ``fold`` of a ``folds``-fold cross-validation over all ratings, drawn at
    random: Surprise's ``cross_validate`` protocol.
``per-user-811``
    Each user's ratings, shuffled, cut 8:1:1 into train, valid and test with
    RecBole's rounding: its default protocol for top-k ranking.
``auto``
    ``per-user-811`` when the model ranks items, ``random-80-20`` otherwise.

For the first two, ``valid_fraction`` moves that share of all ratings from the
training part into a ``valid`` split, on which the runtime picks the best epoch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo_core.data.splits import kfold_indices, per_user_split, random_split
from zoo_core.errors import ConfigError

__all__ = ["PROTOCOLS", "resolve_protocol", "split_rows"]

PROTOCOLS = ("auto", "random-80-20", "kfold", "per-user-811")
RANKING_TASK = "item-ranking"


def resolve_protocol(name: str, task: str | None) -> str:
    """The protocol ``auto`` stands for, given the task of the model being trained."""
    if name != "auto":
        return name
    return "per-user-811" if task == RANKING_TASK else "random-80-20"


def split_rows(
    users: np.ndarray, protocol: str, options: dict[str, Any], seed: int
) -> dict[str, np.ndarray]:
    """Row indices of each split for ``protocol`` (already resolved from ``auto``).

    Args:
        users: the user index of each rating, in file order.
        protocol: one of :data:`PROTOCOLS` other than ``auto``.
        options: the dataset options (``folds``, ``fold``, ``valid_fraction``).
        seed: the run's seed; the same seed gives the same split.

    Returns:
        ``{"train": rows, "test": rows}``, plus ``"valid"`` when there is one.
    """
    count = len(users)
    if count < 2:
        raise ConfigError(f"a dataset of {count} ratings cannot be split")
    valid_fraction = float(options.get("valid_fraction") or 0.0)

    if protocol == "per-user-811":
        train, valid, test = per_user_split(users, (0.8, 0.1, 0.1), seed, "random")
        return {"train": train, "valid": valid, "test": test}

    if protocol == "random-80-20":
        if valid_fraction <= 0:
            train, test = random_split(count, (0.8, 0.2), seed)
            return {"train": train, "test": test}
        train, valid, test = random_split(
            count, (0.8 - valid_fraction, valid_fraction, 0.2), seed
        )
        return {"train": train, "valid": valid, "test": test}

    if protocol == "kfold":
        folds, fold = int(options.get("folds", 5)), int(options.get("fold", 0))
        if not 0 <= fold < folds:
            raise ConfigError(
                f"data.fold must be between 0 and data.folds - 1 = {folds - 1}, "
                f"not {fold}"
            )
        train, test = kfold_indices(count, folds, seed)[fold]
        if valid_fraction <= 0:
            return {"train": train, "test": test}
        share = valid_fraction * count / len(train)
        keep, held = random_split(len(train), (1.0 - share, share), seed + 1)
        return {"train": train[keep], "valid": train[held], "test": test}

    raise ConfigError(
        f"data.split must be one of {', '.join(PROTOCOLS)}, not {protocol!r}"
    )
