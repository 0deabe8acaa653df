"""Broken plugins are reported clearly while everything else keeps working.

Real plugin packages from ``tests/plugins/`` are installed with pip into a fresh
virtual environment, and ``zoo`` runs there in subprocesses, so discovery goes
through genuine entry points and distribution metadata:

- zoo-sample: a working plugin;
- zoo-sample-raises: every hook raises;
- zoo-sample-dup: registers ``sample/linear``, which zoo-sample registers too;
- zoo-sample-old: requires zoo-core<0.1;
- zoo-sample-broken: raises while being imported.
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
PLUGINS = [
    "zoo-sample",
    "zoo-sample-raises",
    "zoo-sample-dup",
    "zoo-sample-old",
    "zoo-sample-broken",
]
ALL = ",".join(PLUGINS)


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
    outside = load_outside_env().OutsideEnv.create(tmp_path_factory.mktemp("loading"))
    outside.install(*(SAMPLES / name for name in PLUGINS))
    return outside


def plugins_by_name(env, **extra: str) -> dict[str, dict]:
    completed = env.zoo("plugins", "--json", **extra)
    assert completed.returncode == 0, completed.stderr
    return {entry["name"]: entry for entry in json.loads(completed.stdout)}


def warnings_in(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Warning:")]


def test_plugins_shows_each_failure_with_its_reason(env) -> None:
    found = plugins_by_name(env, ZOO_LOAD_PLUGINS=ALL)

    assert found["zoo-sample"]["status"] == "ok"
    assert found["zoo-sample"]["version"] == "0.3.0"
    assert found["zoo-sample"]["models"] == ["sample/linear", "sample/mlp"]
    assert found["zoo-sample-dup"]["status"] == "ok"

    raises = found["zoo-sample-raises"]
    assert raises["status"] == "failed"
    assert "zoo_register_models raised SampleFailure" in raises["error"]

    old = found["zoo-sample-old"]
    assert old["status"] == "failed"
    assert "requires zoo-core<0.1" in old["error"]
    assert "zoo-core 0.1.0 is installed" in old["error"]

    broken = found["zoo-sample-broken"]
    assert broken["status"] == "failed"
    assert "import failed: ImportError" in broken["error"]
    assert "needs a package that is not installed" in broken["error"]


def test_plugins_table_says_failed_and_why(env) -> None:
    completed = env.zoo("plugins", ZOO_LOAD_PLUGINS=ALL)

    assert completed.returncode == 0
    rows = {line.split()[0]: line for line in completed.stdout.splitlines()[1:]}
    assert rows["zoo-sample"].endswith("ok")
    assert "failed: requires zoo-core<0.1" in rows["zoo-sample-old"]
    assert "failed: import failed: ImportError" in rows["zoo-sample-broken"]
    assert "failed: zoo_register_models raised" in rows["zoo-sample-raises"]


def test_each_problem_is_one_warning_line(env) -> None:
    completed = env.zoo("models", ZOO_LOAD_PLUGINS=ALL)
    warnings = warnings_in(completed.stderr)

    assert completed.returncode == 0
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.splitlines()) == len(warnings) == 4
    for name in ("zoo-sample-raises", "zoo-sample-old", "zoo-sample-broken"):
        (line,) = [w for w in warnings if f"plugin {name} failed" in w]
    (conflict,) = [w for w in warnings if "sample/linear" in w]
    assert "zoo-sample-dup" in conflict
    assert "zoo-sample and" in conflict or "and zoo-sample " in conflict + " "


def test_good_plugins_still_work(env) -> None:
    models = env.zoo("models", "--json", ZOO_LOAD_PLUGINS=ALL)
    datasets = env.zoo("datasets", "--json", ZOO_LOAD_PLUGINS=ALL)
    info = env.zoo("info", "sample/mlp", "--json", ZOO_LOAD_PLUGINS=ALL)

    ids = {entry["id"] for entry in json.loads(models.stdout)}
    assert {"sample/mlp", "dup/own"} <= ids
    assert "sample/linear" not in ids
    assert "old/model" not in ids
    assert {"sample-blobs", "sample-line"} <= {
        entry["id"] for entry in json.loads(datasets.stdout)
    }
    assert json.loads(info.stdout)["plugin"] == "zoo-sample"


def test_conflicting_id_names_both_plugins(env) -> None:
    completed = env.zoo("info", "sample/linear", ZOO_LOAD_PLUGINS=ALL)
    lines = completed.stderr.splitlines()
    (error,) = [line for line in lines if line.startswith("Error:")]

    assert completed.returncode == 2
    assert "registered by both" in error
    assert "zoo-sample-dup" in error and "zoo-sample " in error
    assert "zoo uninstall" in error


def test_conflict_goes_away_with_one_plugin(env) -> None:
    completed = env.zoo("info", "sample/linear", ZOO_LOAD_PLUGINS="zoo-sample")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("sample/linear:")


def test_load_plugins_narrows_what_loads(env) -> None:
    only_sample = plugins_by_name(env, ZOO_LOAD_PLUGINS="Zoo_Sample")
    nothing = plugins_by_name(env, ZOO_LOAD_PLUGINS="")
    narrowed = env.zoo("models", ZOO_LOAD_PLUGINS="zoo-sample")

    assert set(only_sample) == {"zoo-core", "zoo-sample"}
    assert set(nothing) == {"zoo-core"}
    assert warnings_in(narrowed.stderr) == []


def test_load_plugins_names_one_not_installed(env) -> None:
    completed = env.zoo("models", ZOO_LOAD_PLUGINS="zoo-sample,zoo-nowhere")

    assert completed.returncode == 0
    (warning,) = warnings_in(completed.stderr)
    assert "zoo-nowhere" in warning and "not installed" in warning


def test_debug_traces_every_hook_call(env) -> None:
    quiet = env.zoo("models", ZOO_LOAD_PLUGINS="zoo-sample")
    traced = env.zoo(
        "models", ZOO_LOAD_PLUGINS="zoo-sample,zoo-sample-raises", ZOO_DEBUG="1"
    )

    assert "hook zoo_register" not in quiet.stderr
    for hook in ("zoo_register_models", "zoo_register_datasets", "zoo_register_tasks"):
        assert f"hook {hook} -> zoo-sample\n" in traced.stderr
    assert "hook zoo_register_tasks -> zoo-core\n" in traced.stderr
    assert "hook zoo_register_models -> zoo-sample-raises" in traced.stderr
    assert traced.returncode == 0


def test_debug_shows_the_traceback_of_a_failing_plugin(env) -> None:
    completed = env.zoo(
        "models",
        ZOO_LOAD_PLUGINS="zoo-sample-raises,zoo-sample-broken",
        ZOO_DEBUG="1",
    )

    assert completed.returncode == 0
    assert completed.stderr.count("Traceback (most recent call last)") == 2
    assert 'raise SampleFailure("zoo_register_models is broken' in completed.stderr
    assert "zoo_sample_broken/plugin.py" in completed.stderr
