"""The registry with fake plugins: lookups, patterns, conflicts and broken plugins."""

from __future__ import annotations

import logging

import pytest

from zoo_core import DatasetSpec, ModelSpec, hookimpl
from zoo_core.errors import ConflictError, NotFoundError
from zoo_core.registry import Registry


def model(model_id: str, task: str = "image-classification") -> ModelSpec:
    return ModelSpec(id=model_id, task=task, summary="a model", builder="m:build")


class Vision:
    @hookimpl
    def zoo_register_models(self, register):
        register(model("vision/small"))
        register(model("vision/large"))

    @hookimpl
    def zoo_register_datasets(self, register):
        register(
            DatasetSpec(
                id="pictures", task="image-classification", summary="", loader="m:l"
            )
        )


class Text:
    @hookimpl
    def zoo_register_models(self, register):
        register(model("text/rnn", task="text-generation"))


class Rival:
    @hookimpl
    def zoo_register_models(self, register):
        register(model("vision/small"))
        register(model("rival/own"))


class Broken:
    @hookimpl
    def zoo_register_models(self, register):
        register(model("broken/half"))
        raise RuntimeError("database missing")

    @hookimpl
    def zoo_register_datasets(self, register):
        raise ValueError("also broken")


class WrongType:
    @hookimpl
    def zoo_register_models(self, register):
        register({"id": "not/a-spec"})


def test_specs_carry_the_plugin_that_registered_them():
    registry = Registry.from_plugins(("zoo-vision", Vision()))
    spec = registry.model("vision/small")
    assert spec.plugin == "zoo-vision"
    assert registry.plugins["zoo-vision"].models == ["vision/small", "vision/large"]
    assert registry.dataset("pictures").plugin == "zoo-vision"


def test_find_models_by_pattern_task_and_plugin():
    registry = Registry.from_plugins(("zoo-vision", Vision()), ("zoo-text", Text()))
    assert [s.id for s in registry.find_models("vision/*")] == [
        "vision/large",
        "vision/small",
    ]
    assert [s.id for s in registry.find_models(task="text-generation")] == ["text/rnn"]
    assert [s.id for s in registry.find_models(plugin="zoo-text")] == ["text/rnn"]


def test_unknown_model_suggests_close_ids():
    registry = Registry.from_plugins(("zoo-vision", Vision()))
    with pytest.raises(NotFoundError, match="did you mean vision/small"):
        registry.model("vision/smal")


def test_duplicate_id_names_both_plugins_and_neither_wins(caplog):
    with caplog.at_level(logging.WARNING):
        registry = Registry.from_plugins(
            ("zoo-vision", Vision()), ("zoo-rival", Rival())
        )

    assert "vision/small" not in registry.models
    with pytest.raises(ConflictError, match="zoo-rival and zoo-vision"):
        registry.model("vision/small")
    assert registry.model("rival/own").plugin == "zoo-rival"
    assert "vision/small is registered by zoo-rival and zoo-vision" in caplog.text


def test_a_raising_hook_fails_only_its_plugin(caplog):
    with caplog.at_level(logging.WARNING):
        registry = Registry.from_plugins(("zoo-broken", Broken()), ("zoo-text", Text()))

    status = registry.plugins["zoo-broken"]
    assert status.status == "failed"
    assert "zoo_register_models raised RuntimeError: database missing" in status.error
    assert "broken/half" not in registry.models
    assert registry.model("text/rnn")
    assert "plugin zoo-broken failed" in caplog.text


def test_registering_something_else_than_a_spec_fails_the_plugin():
    registry = Registry.from_plugins(("zoo-wrong", WrongType()))
    assert "register() takes a ModelSpec" in registry.plugins["zoo-wrong"].error


def test_builtin_plugin_registers_the_classification_task():
    registry = Registry.from_plugins()
    assert registry.task("image-classification").plugin == "zoo-core"
    assert registry.plugins["zoo-core"].tasks == ["image-classification"]


def test_installed_plugins_load_only_when_asked(monkeypatch):
    monkeypatch.setenv("ZOO_LOAD_PLUGINS", "")
    registry = Registry.from_plugins(load_entry_points=True)
    assert set(registry.plugins) == {"zoo-core"}


def test_listing_never_imports_torch():
    import subprocess
    import sys

    code = (
        "import sys; from zoo_core.cli import main;"
        "sys.argv=['zoo','models','--json'];"
        "\ntry: main()\nexcept SystemExit: pass\n"
        "assert 'torch' not in sys.modules, 'torch imported';"
        "assert 'pandas' not in sys.modules, 'pandas imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
