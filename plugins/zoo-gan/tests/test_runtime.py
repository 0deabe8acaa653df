"""The GANs through the zoo runtime on real optdigits: train, score, generate."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from zoo_gan import judge as judge_module
from zoo_gan.images import GRID_PADDING
from zoo_gan.judge import cached_classifier

from zoo_core.cli import main
from zoo_core.registry import Registry
from zoo_core.runtime.evaluation import evaluate_run
from zoo_core.runtime.trainer import TrainRequest, train

#: a judge that trains in seconds; its scores are only checked for shape and range
QUICK_JUDGE = {"epochs": 1, "width": 0.5}


@pytest.fixture
def registry(load_plugins: Callable[..., Registry]) -> Registry:
    loaded = load_plugins("zoo-gan", "zoo-cnn")
    if "optdigits" not in loaded.datasets:
        pytest.skip("zoo-cnn (which registers optdigits) is not installed")
    return loaded


def test_train_evaluate_and_generate_a_conditional_gan(
    registry: Registry, tmp_path: Path
) -> None:
    judge = cached_classifier("optdigits", {}, None, "cpu", hparams=QUICK_JUDGE)
    run_dir = tmp_path / "cgan"
    result = train(
        TrainRequest(
            model="gan/cgan",
            dataset="optdigits",
            overrides={
                "epochs": 1,
                "batch_size": 256,
                "width": 8,
                "latent_dim": 8,
                "classifier": str(judge),
            },
            out=run_dir,
            device="cpu",
            progress=False,
        )
    )

    row = result.history[0]
    assert {"train_d_loss", "train_g_loss", "train_d_real"} <= set(row)
    assert (run_dir / "samples" / "epoch-0001.png").exists()

    metrics = evaluate_run(run_dir, "test", device="cpu")
    assert metrics["classifier"] == str(judge)
    assert metrics["fcd"] > 0.0
    assert 0.0 <= metrics["class_accuracy"] <= 1.0
    assert 0.0 <= metrics["class_entropy"] <= 1.0 + 1e-9
    assert 0.0 <= metrics["min_class_share"] <= 0.1 + 1e-9

    grid = tmp_path / "threes.png"
    outcome = CliRunner().invoke(
        main,
        ["generate", str(run_dir), "--num", "12", "--label", "3", "--out", str(grid)],
    )
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.strip() == str(grid)
    with Image.open(grid) as image:
        # 12 images in ceil(sqrt(12)) = 4 columns, 8x8 digits enlarged 4 times.
        cell = 32 + GRID_PADDING
        assert image.size == (4 * cell + GRID_PADDING, 3 * cell + GRID_PADDING)


def test_the_cached_judge_is_trained_once(registry: Registry) -> None:
    first = cached_classifier("optdigits", {}, None, "cpu", hparams=QUICK_JUDGE)
    stamp = (first / "weights.safetensors").stat().st_mtime_ns

    again = cached_classifier("optdigits", {}, None, "cpu", hparams=QUICK_JUDGE)

    assert again == first
    assert (again / "weights.safetensors").stat().st_mtime_ns == stamp
    config = json.loads((first / "config.json").read_text())
    assert config["model"] == "cnn/lenet5" and config["dataset"] == "optdigits"


def test_evaluate_without_a_classifier_trains_one_into_the_cache_and_names_it(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(judge_module, "JUDGE_HPARAMS", QUICK_JUDGE)
    run_dir = tmp_path / "dcgan"
    train(
        TrainRequest(
            model="gan/dcgan",
            dataset="optdigits",
            overrides={"epochs": 1, "batch_size": 256, "width": 4, "latent_dim": 4},
            out=run_dir,
            device="cpu",
            progress=False,
        )
    )

    outcome = CliRunner().invoke(main, ["evaluate", str(run_dir)])

    assert outcome.exit_code == 0, outcome.output
    options = json.loads((run_dir / "config.json").read_text())["dataset_options"]
    cached = cached_classifier("optdigits", options, None, "cpu")
    assert f"classifier: {cached}" in outcome.output
    assert json.loads((cached / "config.json").read_text())["model"] == "cnn/lenet5"
