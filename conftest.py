"""Test isolation for the whole repository, plugins included.

No test sees whatever plugins happen to be installed unless it asks for them with
the ``load_plugins`` fixture, and no test writes into the user's cache.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from zoo_core.registry import Registry, get_registry, reset_registry, use_registry

REPO = Path(__file__).resolve().parent
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the CLI does; before torch
sys.path.insert(0, str(REPO / "tests" / "support"))


@pytest.fixture(autouse=True)
def isolated_zoo(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    monkeypatch.setenv("ZOO_LOAD_PLUGINS", "")
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path_factory.mktemp("zoo-cache")))
    monkeypatch.delenv("ZOO_DEBUG", raising=False)
    monkeypatch.delenv("ZOO_DATA_DIR", raising=False)
    reset_registry()
    yield
    reset_registry()


@pytest.fixture
def load_plugins(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Registry]:
    """Load only the named installed plugin distributions, e.g. ``"zoo-cnn"``."""

    def load(*names: str) -> Registry:
        monkeypatch.setenv("ZOO_LOAD_PLUGINS", ",".join(names))
        reset_registry()
        return get_registry()

    return load


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real test datasets: ``ZOO_TEST_DATA``, else ``../shared/data``."""
    path = Path(os.environ.get("ZOO_TEST_DATA") or REPO.parent / "shared" / "data")
    if not path.is_dir():
        pytest.skip(f"real test data not found at {path}; set ZOO_TEST_DATA")
    return path


@pytest.fixture
def tiny_registry() -> Iterator[Registry]:
    """A registry holding only the built-ins and the tiny in-repo test plugin."""
    from zoo_tiny import plugin

    registry = Registry.from_plugins(("zoo-tiny", plugin))
    with use_registry(registry):
        yield registry
