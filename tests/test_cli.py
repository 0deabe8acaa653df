"""The command line, through Click's runner and, for exit codes, a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from zoo_core.cli import main


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_models_json_is_one_document(tiny_registry, cli):
    result = cli("models", "--json")
    assert result.exit_code == 0
    models = json.loads(result.stdout)
    assert [m["id"] for m in models] == ["tiny/mlp"]
    assert models[0]["plugin"] == "zoo-tiny"
    assert {p["name"] for p in models[0]["params"]} >= {"epochs", "hidden"}


def test_models_table_and_pattern(tiny_registry, cli):
    result = cli("models", "tiny/*")
    assert "tiny/mlp" in result.stdout
    assert cli("models", "none/*").stdout == ""


def test_unknown_task_is_exit_2_with_one_line(tiny_registry, cli):
    result = cli("models", "--task", "nonsense")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no task named 'nonsense'")
    assert result.stderr.count("\n") == 1


def test_info_shows_the_model_card(tiny_registry, cli):
    result = cli("info", "tiny/mlp")
    assert "task:      image-classification" in result.stdout
    assert "hidden" in result.stdout
    assert json.loads(cli("info", "tiny/mlp", "--json").stdout)["id"] == "tiny/mlp"


def test_unknown_model_is_exit_2(tiny_registry, cli):
    result = cli("info", "no/such-model")
    assert result.exit_code == 2
    assert "no model named 'no/such-model'" in result.stderr


def test_plugins_json_reports_status(tiny_registry, cli):
    plugins = {p["name"]: p for p in json.loads(cli("plugins", "--json").stdout)}
    assert plugins["zoo-tiny"]["status"] == "ok"
    assert plugins["zoo-tiny"]["models"] == ["tiny/mlp"]
    assert "zoo_register_models" in plugins["zoo-tiny"]["hooks"]
    assert plugins["zoo-core"]["tasks"] == ["image-classification"]


def test_datasets_json_says_bundled_data_is_present(tiny_registry, cli):
    (dataset,) = json.loads(cli("datasets", "--json").stdout)
    assert dataset["id"] == "tiny-blobs"
    assert dataset["present"] is True


def test_unavailable_device_is_exit_2_naming_the_devices(tiny_registry, cli, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = cli("train", "tiny/mlp", "--device", "cuda", "--out", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: device cuda is not available here; available: cpu"
    )


def test_set_typo_is_exit_2(tiny_registry, cli, tmp_path):
    result = cli("train", "tiny/mlp", "--set", "hiden=3", "--out", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert "valid keys:" in result.stderr


def test_train_evaluate_predict_export_round_trip(tiny_registry, cli, tmp_path):
    run_dir = tmp_path / "run"
    result = cli("train", "tiny/mlp", "--epochs", "4", "--out", str(run_dir), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["run_dir"] == str(run_dir)
    assert len(report["history"]) == 4

    metrics = json.loads(cli("evaluate", str(run_dir), "--json").stdout)
    assert set(metrics) == {"split", "accuracy", "loss"}

    image = tmp_path / "top.png"
    pixels = np.zeros((4, 4), dtype=np.uint8)
    pixels[:2, :] = 255
    Image.fromarray(pixels).save(image)
    answers = json.loads(cli("predict", str(run_dir), str(image), "--json").stdout)
    assert answers[0]["input"] == str(image)
    assert len(answers[0]["predictions"]) == 3
    assert sum(p["score"] for p in answers[0]["predictions"]) == pytest.approx(1.0)

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    result = cli("predict", str(run_dir), str(broken))
    assert result.exit_code == 2
    assert f"{broken}: not a readable image" in result.stderr

    out = tmp_path / "model.pt"
    assert cli("export", str(run_dir), "--format", "torchscript", "--out", str(out))
    assert out.stat().st_size > 0


def test_generate_on_a_classifier_says_it_cannot(tiny_registry, cli, tmp_path):
    run_dir = tmp_path / "run"
    cli("train", "tiny/mlp", "--epochs", "1", "--out", str(run_dir), "-q")
    result = cli("generate", str(run_dir))
    assert result.exit_code == 2
    assert "does not support `zoo generate`" in result.stderr


def test_errors_from_a_real_process_have_no_traceback(tmp_path):
    env = dict(os.environ, ZOO_LOAD_PLUGINS="")
    done = subprocess.run(
        [sys.executable, "-m", "zoo_core", "info", "no/such-model"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("Error: no model named 'no/such-model'")
    assert "Traceback" not in done.stderr

    debug = subprocess.run(
        [sys.executable, "-m", "zoo_core", "--debug", "info", "no/such-model"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "Traceback" in debug.stderr
