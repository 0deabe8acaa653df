"""One ``test_hook_<name>`` per hook specification in zoo_core/hookspecs.py.

Registration hooks are exercised with fake plugins registered directly through
``Registry.from_plugins``. Lifecycle hooks are observed through one short real
training run of the sample plugin's linear model, with a plugin that records every
call and what was on disk at that moment, and one whose lifecycle hooks raise.
tests/test_meta.py fails when a hook specification has no test here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zoo_core import DatasetSpec, ModelSpec, Param, TaskSpec, hookimpl
from zoo_core.errors import NotFoundError
from zoo_core.registry import Registry, use_registry

SAMPLE = Path(__file__).resolve().parent / "plugins" / "zoo-sample"
EPOCHS = 2


# -- registration hooks --------------------------------------------------------------


class ModelPlugin:
    @hookimpl
    def zoo_register_models(self, register: Callable[[ModelSpec], None]) -> None:
        for name in ("small", "large"):
            register(
                ModelSpec(
                    id=f"fake/{name}",
                    task="image-classification",
                    summary=f"a {name} fake",
                    builder="fake_models:build",
                    params=(Param("epochs", 1, "int"),),
                )
            )


class WrongTypePlugin:
    @hookimpl
    def zoo_register_models(self, register: Callable[[Any], None]) -> None:
        register({"id": "fake/dict"})


def test_hook_zoo_register_models() -> None:
    registry = Registry.from_plugins(
        ("fake", ModelPlugin()), ("wrong", WrongTypePlugin())
    )

    assert [spec.id for spec in registry.find_models()] == ["fake/large", "fake/small"]
    assert registry.model("fake/small").plugin == "fake"
    assert registry.plugins["fake"].models == ["fake/small", "fake/large"]
    assert registry.plugins["fake"].hooks == ["zoo_register_models"]
    assert registry.plugins["wrong"].status == "failed"
    assert "takes a ModelSpec" in registry.plugins["wrong"].error


class DatasetPlugin:
    @hookimpl
    def zoo_register_datasets(self, register: Callable[[DatasetSpec], None]) -> None:
        register(
            DatasetSpec(
                id="fake-points",
                task="image-classification",
                summary="points",
                loader="fake_data:load",
                bundled=True,
            )
        )


class HalfwayPlugin:
    """Registers one dataset, then raises: nothing from the failed call is kept."""

    @hookimpl
    def zoo_register_datasets(self, register: Callable[[DatasetSpec], None]) -> None:
        register(
            DatasetSpec(
                id="halfway", task="image-classification", summary="", loader="a:b"
            )
        )
        raise RuntimeError("lost the second file")


def test_hook_zoo_register_datasets() -> None:
    registry = Registry.from_plugins(
        ("fake", DatasetPlugin()), ("halfway", HalfwayPlugin())
    )

    assert registry.dataset("fake-points").plugin == "fake"
    assert registry.plugins["fake"].datasets == ["fake-points"]
    with pytest.raises(NotFoundError):
        registry.dataset("halfway")
    assert registry.plugins["halfway"].status == "failed"
    assert "RuntimeError: lost the second file" in registry.plugins["halfway"].error


class TaskPlugin:
    @hookimpl
    def zoo_register_tasks(self, register: Callable[[TaskSpec], None]) -> None:
        register(
            TaskSpec(
                id="fake-task",
                summary="a fake task",
                procedure="fake_tasks:Procedure",
                metrics=("score",),
            )
        )


def test_hook_zoo_register_tasks() -> None:
    registry = Registry.from_plugins(("fake", TaskPlugin()))

    assert registry.task("fake-task").metrics == ("score",)
    assert registry.task("fake-task").plugin == "fake"
    assert registry.task("image-classification").plugin == "zoo-core"
    assert registry.plugins["fake"].tasks == ["fake-task"]


# -- lifecycle hooks, through one real training run ----------------------------------


class Recorder:
    """Records each lifecycle call with what the run directory held at that time.

    Its implementations take subsets of the hook arguments, as plugins may.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @hookimpl
    def zoo_on_fit_start(self, run_dir: Path, config: dict[str, Any]) -> None:
        self.calls.append(
            (
                "zoo_on_fit_start",
                {
                    "run_dir": run_dir,
                    "config": config,
                    "config_on_disk": (run_dir / "config.json").is_file(),
                },
            )
        )

    @hookimpl
    def zoo_on_epoch_end(self, epoch: int, metrics: dict[str, float]) -> None:
        self.calls.append(("zoo_on_epoch_end", {"epoch": epoch, "metrics": metrics}))

    @hookimpl
    def zoo_on_checkpoint_saved(self, run_dir: Path, epoch: int, path: Path) -> None:
        latest = run_dir / "checkpoints" / "latest"
        self.calls.append(
            (
                "zoo_on_checkpoint_saved",
                {
                    "epoch": epoch,
                    "path": path,
                    "files": sorted(p.name for p in path.iterdir()),
                    "latest": latest.read_text().strip() if latest.exists() else None,
                },
            )
        )

    @hookimpl
    def zoo_on_fit_end(self, run_dir: Path, metrics: dict[str, float]) -> None:
        self.calls.append(
            (
                "zoo_on_fit_end",
                {
                    "run_dir": run_dir,
                    "metrics": metrics,
                    "weights_on_disk": (run_dir / "weights.safetensors").is_file(),
                },
            )
        )

    def of(self, hook: str) -> list[dict[str, Any]]:
        return [record for name, record in self.calls if name == hook]


class Grumpy:
    """Raises in a lifecycle hook; training must go on without it."""

    @hookimpl
    def zoo_on_fit_start(self) -> None:
        raise RuntimeError("cannot reach the experiment tracker")

    @hookimpl
    def zoo_on_fit_end(self) -> None:
        raise AssertionError("never called: the plugin failed at fit start")


@pytest.fixture(scope="module")
def training(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from zoo_core.runtime.trainer import TrainRequest, train

    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(SAMPLE))
        from zoo_sample import plugin as sample_plugin

        recorder = Recorder()
        registry = Registry.from_plugins(
            ("zoo-sample", sample_plugin), ("recorder", recorder), ("grumpy", Grumpy())
        )
        request = TrainRequest(
            model="sample/linear",
            overrides={"epochs": EPOCHS},
            seed=0,
            device="cpu",
            out=tmp_path_factory.mktemp("hooks") / "run",
            progress=False,
        )
        with use_registry(registry):
            result = train(request)
    return {"result": result, "recorder": recorder, "registry": registry}


def test_hooks_fire_in_order(training: dict[str, Any]) -> None:
    order = [name for name, _ in training["recorder"].calls]

    per_epoch = ["zoo_on_epoch_end", "zoo_on_checkpoint_saved"] * EPOCHS
    assert order == ["zoo_on_fit_start", *per_epoch, "zoo_on_fit_end"]


def test_hook_zoo_on_fit_start(training: dict[str, Any]) -> None:
    (call,) = training["recorder"].of("zoo_on_fit_start")

    assert call["run_dir"] == training["result"].run_dir
    assert call["config"]["model"] == "sample/linear"
    assert call["config"]["hparams"]["epochs"] == EPOCHS
    assert call["config_on_disk"]


def test_hook_zoo_on_epoch_end(training: dict[str, Any]) -> None:
    calls = training["recorder"].of("zoo_on_epoch_end")

    assert [call["epoch"] for call in calls] == list(range(1, EPOCHS + 1))
    for call in calls:
        assert {"train_loss", "valid_mse"} <= set(call["metrics"])
    assert calls[-1]["metrics"] == training["result"].history[-1]


def test_hook_zoo_on_checkpoint_saved(training: dict[str, Any]) -> None:
    calls = training["recorder"].of("zoo_on_checkpoint_saved")
    run_dir = training["result"].run_dir

    assert [call["epoch"] for call in calls] == list(range(1, EPOCHS + 1))
    for call in calls:
        assert call["path"].parent == run_dir / "checkpoints"
        assert call["latest"] == call["path"].name
        assert call["files"], "the checkpoint folder was empty when announced"


def test_hook_zoo_on_fit_end(training: dict[str, Any]) -> None:
    (call,) = training["recorder"].of("zoo_on_fit_end")

    assert call["run_dir"] == training["result"].run_dir
    assert call["metrics"] == training["result"].metrics
    assert call["metrics"]["epoch"] == EPOCHS
    assert call["weights_on_disk"]


def test_a_raising_lifecycle_hook_fails_only_its_plugin(
    training: dict[str, Any],
) -> None:
    status = training["registry"].plugins["grumpy"]

    assert status.status == "failed"
    assert "zoo_on_fit_start raised RuntimeError" in status.error
    assert training["registry"].plugins["recorder"].ok
    assert len(training["result"].history) == EPOCHS
