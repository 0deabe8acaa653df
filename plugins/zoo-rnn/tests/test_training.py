"""Short real training runs through the runtime: they learn, and score as promised."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zoo_core.registry import Registry, use_registry
from zoo_core.runtime.evaluation import evaluate_run


@pytest.fixture
def rnn_registry():
    registry = Registry.from_plugins(load_entry_points=True, only={"zoo-rnn"})
    with use_registry(registry):
        yield registry


def history(run_dir: Path) -> list[dict]:
    lines = (run_dir / "metrics.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_text_run_beats_chance_and_improves(trained_runs, rnn_registry) -> None:
    rows = history(trained_runs["text"])
    config = json.loads((trained_runs["text"] / "config.json").read_text("utf-8"))
    chance = math.log(config["info"]["vocab_size"])

    assert [row["epoch"] for row in rows] == [1, 2]
    assert rows[-1]["valid_nll"] < rows[0]["valid_nll"] < chance
    assert rows[-1]["train_nll"] < chance


def test_text_evaluate_scores_valid_by_default(
    trained_runs, rnn_registry, shared_data
) -> None:
    scores = evaluate_run(trained_runs["text"], device="cpu")

    assert scores["split"] == "valid"
    best = min(row["valid_nll"] for row in history(trained_runs["text"]))
    assert scores["nll"] == pytest.approx(best, rel=1e-5)


def test_the_cache_is_fitted_at_the_end_of_training_on_training_text(
    trained_runs, rnn_registry, shared_data
) -> None:
    from zoo_rnn.cache import CachedCharModel

    from zoo_core.runtime.run import LoadedRun

    rows = history(trained_runs["text"])
    run = LoadedRun.open(trained_runs["text"], device="cpu")

    assert isinstance(run.model, CachedCharModel) and run.model.window == 2000
    assert float(run.model.weight) > 0 and float(run.model.scale) > 0
    assert "valid_nll_without_cache" not in rows[0]
    assert rows[-1]["valid_nll"] < rows[-1]["valid_nll_without_cache"]


def test_music_run_scores_the_test_split(
    trained_runs, rnn_registry, shared_data
) -> None:
    rows = history(trained_runs["music"])
    scores = evaluate_run(trained_runs["music"], device="cpu", data_dir=shared_data)

    assert scores["split"] == "test"
    # An untrained model that knows only how often each key sounds scores about
    # 12 nats per step on the chorales; a trained one must do better.
    assert rows[-1]["valid_nll"] < rows[0]["valid_nll"] < 12.0
    assert 5.0 < scores["nll"] < 12.0


def test_hidden_state_is_carried_between_chunks(rnn_registry) -> None:
    import torch
    from zoo_rnn.text_task import TextGenerationProcedure

    from zoo_core.api import create_model
    from zoo_core.tasks.base import StepContext

    torch.manual_seed(0)
    procedure = TextGenerationProcedure()
    model = create_model(
        "rnn/char-gru", {"vocab_size": 5}, hidden_size=8, layers=1, members=1
    )
    hparams = {
        "batch_size": 2,
        "bptt": 4,
        "epochs": 1,
        "lr": 1e-3,
        "clip_norm": 1.0,
        "lr_schedule": "constant",
        "warmup_steps": 0,
        "final_lr_ratio": 1.0,
        "max_minutes": 0.0,
    }
    step = StepContext(
        model=model,
        module=model,
        optimizers=procedure.configure_optimizers(model, hparams),
        hparams=hparams,
        info={},
        device=torch.device("cpu"),
    )
    stream = type("Stream", (), {"ids": torch.randint(0, 5, (40,))})()

    procedure.start_epoch(step)
    batches = iter(procedure.train_batches(stream, hparams, None, {}))
    procedure.training_step(step, next(batches))
    carried = step.state["hidden"]
    procedure.training_step(step, next(batches))

    assert carried.shape == (1, 2, 8) and not carried.requires_grad
    assert not torch.equal(step.state["hidden"], carried)
    procedure.start_epoch(step)
    assert "hidden" not in step.state


def test_two_processes_share_a_timed_text_run(
    shakespeare_excerpt: Path, tmp_path: Path
) -> None:
    """Under torchrun each process reads its own lanes and all stop together: a
    process that took one step more than another would wait for it forever."""
    run_dir = tmp_path / "ddp"
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc-per-node",
        "2",
        "-m",
        "zoo_core",
        "train",
        "rnn/char-gru",
        "--dataset",
        "text-file",
        "--set",
        f"data.path={shakespeare_excerpt}",
        "--set",
        "hidden_size=32",
        "--set",
        "layers=1",
        "--set",
        "members=1",
        "--set",
        "batch_size=8",
        "--set",
        "epochs=2",
        "--set",
        "max_minutes=0.1",
        "--device",
        "cpu",
        "--quiet",
        "--out",
        str(run_dir),
    ]
    env = dict(os.environ, OMP_NUM_THREADS="1", ZOO_LOAD_PLUGINS="zoo-rnn")

    subprocess.run(command, check=True, env=env, timeout=300)

    config = json.loads((run_dir / "config.json").read_text("utf-8"))
    assert config["world_size"] == 2
    rows = history(run_dir)
    assert [row["epoch"] for row in rows] == [1, 2]
    assert all(math.isfinite(row["valid_nll"]) for row in rows)
