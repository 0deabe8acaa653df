"""Real (short) training runs through the zoo runtime on the bundled optdigits."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors.torch import load_file

from zoo_core.registry import Registry
from zoo_core.runtime.evaluation import evaluate_run
from zoo_core.runtime.trainer import TrainRequest, train


def test_one_epoch_of_lenet5_learns_the_digits(
    load_plugins: Callable[..., Registry], trained_runs: dict[str, Path]
) -> None:
    load_plugins("zoo-cnn")
    run_dir = trained_runs["cnn/lenet5"]

    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").open()]
    config = json.loads((run_dir / "config.json").read_text())
    scores = evaluate_run(run_dir, device="cpu")

    assert [row["epoch"] for row in rows] == [1]
    assert rows[0]["train_accuracy"] > 0.5
    assert scores["split"] == "test" and scores["accuracy"] > 0.8
    assert config["info"]["mean"] and config["info"]["std"]


def test_resnet20_validates_on_the_held_out_split(
    load_plugins: Callable[..., Registry], trained_runs: dict[str, Path]
) -> None:
    load_plugins("zoo-cnn")
    run_dir = trained_runs["cnn/resnet20"]

    row = json.loads((run_dir / "metrics.jsonl").read_text().splitlines()[-1])

    assert {"valid_accuracy", "valid_loss"} <= set(row)
    assert 0.0 <= row["valid_accuracy"] <= 1.0
    assert math.isfinite(row["valid_loss"])


def test_a_seeded_run_with_augmentation_repeats_exactly(
    load_plugins: Callable[..., Registry], tmp_path: Path
) -> None:
    load_plugins("zoo-cnn")
    settings = {
        "epochs": 1,
        "width": 0.5,
        "data.augment": "crop-flip",
        "data.valid_fraction": 0.5,
    }

    weights = []
    for name in ("a", "b"):
        result = train(
            TrainRequest(
                model="cnn/lenet5",
                dataset="optdigits",
                overrides=settings,
                seed=7,
                device="cpu",
                out=tmp_path / name,
                progress=False,
            )
        )
        weights.append(load_file(str(result.run_dir / "last.safetensors")))

    assert weights[0].keys() == weights[1].keys()
    for key in weights[0]:
        assert torch.equal(weights[0][key], weights[1][key]), key
