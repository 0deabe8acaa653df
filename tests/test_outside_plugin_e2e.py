"""An outside plugin's whole life, as a user lives it: built as a wheel, installed
with ``zoo install``, listed, trained on its own task, scored, and removed with
``zoo uninstall``.

The plugin is ``tests/plugins/zoo-sample``; it brings a task of its own
(``sample-regression``) with its own Procedure. Everything runs in a fresh virtual
environment in a temporary folder (see ``tests/plugins/outside_env.py``).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent / "plugins"
SAMPLE_MODELS = {"sample/mlp", "sample/linear"}


def load_outside_env() -> ModuleType:
    name = "zoo_tests_outside_env"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SAMPLES / "outside_env.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):
    return load_outside_env().OutsideEnv.create(tmp_path_factory.mktemp("e2e"))


def model_ids(env) -> set[str]:
    # ZOO_LOAD_PLUGINS unset: every installed plugin loads, as for a user.
    completed = env.zoo("models", "--json", ZOO_LOAD_PLUGINS=None)
    assert completed.returncode == 0, completed.stderr
    return {entry["id"] for entry in json.loads(completed.stdout)}


def test_install_train_evaluate_uninstall(env) -> None:
    wheel = env.build_wheel(SAMPLES / "zoo-sample")
    assert not model_ids(env) & SAMPLE_MODELS

    installed = env.zoo("install", str(wheel), ZOO_LOAD_PLUGINS=None)
    assert installed.returncode == 0, installed.stderr
    assert "zoo-sample 0.3.0: ok" in installed.stdout
    assert "  sample/linear" in installed.stdout
    assert model_ids(env) >= SAMPLE_MODELS

    run_dir = env.work / "runs" / "line"
    trained = env.zoo(
        "train",
        "sample/linear",
        "--epochs",
        "6",
        "--device",
        "cpu",
        "--out",
        str(run_dir),
        "--quiet",
        "--json",
        ZOO_LOAD_PLUGINS=None,
    )
    assert trained.returncode == 0, trained.stderr
    history = json.loads(trained.stdout)["history"]
    assert [row["epoch"] for row in history] == [1, 2, 3, 4, 5, 6]
    assert history[-1]["valid_mse"] < history[0]["valid_mse"] / 4

    config = json.loads((run_dir / "config.json").read_text())
    assert (config["task"], config["plugin"]) == ("sample-regression", "zoo-sample")

    scored = env.zoo("evaluate", str(run_dir), "--json", ZOO_LOAD_PLUGINS=None)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["mse"] < 0.2

    removed = env.zoo("uninstall", "zoo-sample", "-y", ZOO_LOAD_PLUGINS=None)
    assert removed.returncode == 0, removed.stderr
    assert not model_ids(env) & SAMPLE_MODELS

    orphaned = env.zoo("evaluate", str(run_dir), ZOO_LOAD_PLUGINS=None)
    assert orphaned.returncode == 2
    assert orphaned.stderr.startswith("Error:")
    assert "zoo install zoo-sample" in orphaned.stderr
