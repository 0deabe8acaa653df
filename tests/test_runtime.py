"""The training runtime on the tiny in-repo plugin: runs, resume, errors, DDP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from zoo_core.errors import CheckpointError, ConfigError
from zoo_core.runtime.evaluation import evaluate_run
from zoo_core.runtime.run import LoadedRun
from zoo_core.runtime.trainer import TrainRequest, train

SUPPORT = Path(__file__).parent / "support"


def run_tiny(out: Path, **overrides) -> Path:
    request = TrainRequest(
        model="tiny/mlp", out=out, device="cpu", progress=False, overrides=overrides
    )
    return train(request).run_dir


def same_tensors(a: Path, b: Path) -> bool:
    left, right = load_file(str(a)), load_file(str(b))
    return left.keys() == right.keys() and all(
        torch.equal(left[k], right[k]) for k in left
    )


def test_run_directory_holds_everything(tiny_registry, tmp_path):
    run_dir = run_tiny(tmp_path / "run")

    config = json.loads((run_dir / "config.json").read_text())
    assert config["model"] == "tiny/mlp"
    assert config["dataset"] == "tiny-blobs"
    assert config["hparams"]["epochs"] == 3
    assert config["info"]["num_classes"] == 3
    assert config["zoo_core_version"]
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").open()]
    assert [row["epoch"] for row in rows] == [1, 2, 3]
    assert {"train_loss", "valid_accuracy", "valid_loss"} <= set(rows[0])
    assert (run_dir / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert (run_dir / "weights.safetensors").exists()
    assert (run_dir / "checkpoints" / "latest").read_text().strip() == "epoch-0003"


def test_training_learns_and_evaluates(tiny_registry, tmp_path):
    run_dir = run_tiny(tmp_path / "run", epochs=6)

    metrics = evaluate_run(run_dir, device="cpu")
    assert metrics["split"] == "test"
    assert metrics["accuracy"] > 0.9


def test_same_seed_repeats_bit_for_bit(tiny_registry, tmp_path):
    first = run_tiny(tmp_path / "a")
    second = run_tiny(tmp_path / "b")
    assert same_tensors(first / "last.safetensors", second / "last.safetensors")


def test_other_seed_differs(tiny_registry, tmp_path):
    first = run_tiny(tmp_path / "a")
    request = TrainRequest(model="tiny/mlp", out=tmp_path / "b", seed=7, progress=False)
    second = train(request).run_dir
    assert not same_tensors(first / "last.safetensors", second / "last.safetensors")


def test_kill_9_mid_epoch_then_resume_matches_uninterrupted(tiny_registry, tmp_path):
    script = str(SUPPORT / "train_tiny.py")
    settings = ["--set", "epochs=4"]
    whole = tmp_path / "whole"
    subprocess.run([sys.executable, script, str(whole), *settings], check=True)

    crashed = tmp_path / "crashed"
    killed = subprocess.run(
        [sys.executable, script, str(crashed), *settings, "--kill-at-step", "22"]
    )
    assert killed.returncode == -9
    latest = (crashed / "checkpoints" / "latest").read_text().strip()
    assert latest == "epoch-0002"  # 9 steps an epoch: step 22 is inside epoch 3

    subprocess.run([sys.executable, script, str(crashed), "--resume"], check=True)
    assert same_tensors(whole / "last.safetensors", crashed / "last.safetensors")
    rows = [json.loads(line) for line in (crashed / "metrics.jsonl").open()]
    assert [row["epoch"] for row in rows] == [1, 2, 3, 4]


def test_resume_may_only_extend_epochs(tiny_registry, tmp_path):
    run_dir = run_tiny(tmp_path / "run", epochs=2)
    request = TrainRequest(resume=run_dir, overrides={"lr": 0.5}, progress=False)
    with pytest.raises(ConfigError, match="only --epochs"):
        train(request)

    longer = TrainRequest(resume=run_dir, overrides={"epochs": 3}, progress=False)
    result = train(longer)
    assert [row["epoch"] for row in result.history] == [1, 2, 3]


def test_existing_run_directory_is_not_overwritten(tiny_registry, tmp_path):
    run_tiny(tmp_path / "run", epochs=1)
    with pytest.raises(ConfigError, match="already holds a run"):
        run_tiny(tmp_path / "run", epochs=1)


def test_set_typo_names_valid_keys(tiny_registry, tmp_path):
    with pytest.raises(ConfigError, match="no parameter hiden; valid keys: .*hidden"):
        run_tiny(tmp_path / "run", hiden=3)


def test_set_wrong_type_is_config_error(tiny_registry, tmp_path):
    with pytest.raises(ConfigError, match="hidden must be a int"):
        run_tiny(tmp_path / "run", hidden="many")


def test_truncated_weights_are_reported(tiny_registry, tmp_path):
    run_dir = run_tiny(tmp_path / "run", epochs=1)
    weights = run_dir / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:50])
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        LoadedRun.open(run_dir, device="cpu")


def test_corrupt_checkpoint_stops_resume(tiny_registry, tmp_path):
    run_dir = run_tiny(tmp_path / "run", epochs=1)
    (run_dir / "checkpoints" / "epoch-0001" / "state.json").write_text("{nope")
    with pytest.raises(CheckpointError, match="damaged"):
        train(TrainRequest(resume=run_dir, progress=False))


def test_run_from_missing_plugin_is_reported(tiny_registry, tmp_path):
    run_dir = run_tiny(tmp_path / "run", epochs=1)
    config = json.loads((run_dir / "config.json").read_text())
    config.update(model="gone/model", plugin="zoo-gone", plugin_version="9.9")
    (run_dir / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="zoo-gone 9.9, which is not installed"):
        LoadedRun.open(run_dir, device="cpu")


def test_not_a_run_directory(tiny_registry, tmp_path):
    with pytest.raises(CheckpointError, match="not a run directory"):
        LoadedRun.open(tmp_path, device="cpu")


def test_lifecycle_hooks_fire_in_order(tiny_registry, tmp_path):
    from zoo_core import hookimpl

    events = []

    class Recorder:
        @hookimpl
        def zoo_on_fit_start(self, run_dir, config):
            events.append(("start", config["model"]))

        @hookimpl
        def zoo_on_epoch_end(self, run_dir, epoch, metrics):
            events.append(("epoch", epoch))

        @hookimpl
        def zoo_on_checkpoint_saved(self, run_dir, epoch, path):
            events.append(("checkpoint", epoch, path.name))

        @hookimpl
        def zoo_on_fit_end(self, run_dir, metrics):
            events.append(("end", metrics["epoch"]))

    tiny_registry.manager.register(Recorder(), name="recorder")
    run_tiny(tmp_path / "run", epochs=2)
    assert events == [
        ("start", "tiny/mlp"),
        ("epoch", 1),
        ("checkpoint", 1, "epoch-0001"),
        ("epoch", 2),
        ("checkpoint", 2, "epoch-0002"),
        ("end", 2),
    ]


def test_export_torchscript_and_onnx_match_the_run(tiny_registry, tmp_path):
    from zoo_core.runtime.export import export_run

    run_dir = run_tiny(tmp_path / "run", epochs=1)
    run = LoadedRun.open(run_dir, device="cpu")
    batch = torch.randn(5, 1, 4, 4)
    with torch.no_grad():
        expected = run.model(batch)

    script_path = export_run(run_dir, "torchscript", tmp_path / "m.pt")
    scripted = torch.jit.load(str(script_path))
    assert torch.allclose(scripted(batch), expected, atol=1e-5)

    onnxruntime = pytest.importorskip("onnxruntime")
    onnx_path = export_run(run_dir, "onnx", tmp_path / "m.onnx")
    session = onnxruntime.InferenceSession(str(onnx_path))
    (output,) = session.run(None, {"input": batch.numpy()})
    assert torch.allclose(torch.from_numpy(output), expected, atol=1e-4)


@pytest.mark.slow
def test_two_process_ddp_matches_one_process(tmp_path):
    script = str(SUPPORT / "train_tiny.py")
    single = tmp_path / "single"
    subprocess.run([sys.executable, script, str(single)], check=True)

    double = tmp_path / "double"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node",
            "2",
            script,
            str(double),
        ],
        check=True,
        env=env,
        timeout=300,
    )

    config = json.loads((double / "config.json").read_text())
    assert config["world_size"] == 2
    single_rows = [json.loads(x) for x in (single / "metrics.jsonl").open()]
    double_rows = [json.loads(x) for x in (double / "metrics.jsonl").open()]
    assert len(double_rows) == 3
    gap = double_rows[-1]["valid_accuracy"] - single_rows[-1]["valid_accuracy"]
    assert abs(gap) < 0.1


def test_amp_on_the_cpu_uses_bf16_where_the_cpu_has_it(
    tiny_registry, tmp_path, monkeypatch, caplog
):
    from zoo_core.runtime.trainer import bf16_autocast_supported
    from zoo_core.tasks.base import StepContext

    seen: list[bool] = []
    autocast = StepContext.autocast

    def spy(step: StepContext):
        seen.append(step.amp)
        return autocast(step)

    monkeypatch.setattr(StepContext, "autocast", spy)
    request = TrainRequest(
        model="tiny/mlp", out=tmp_path / "run", device="cpu", progress=False, amp=True
    )

    run_dir = train(request).run_dir

    supported = bf16_autocast_supported(torch.device("cpu"))
    assert seen and set(seen) == {supported}
    assert ("--amp needs CUDA or a CPU with bf16" in caplog.text) is not supported
    assert evaluate_run(run_dir, device="cpu")["accuracy"] > 0.9


def test_amp_is_never_claimed_for_devices_without_native_bf16():
    from zoo_core.runtime.trainer import bf16_autocast_supported

    assert bf16_autocast_supported(torch.device("meta")) is False
