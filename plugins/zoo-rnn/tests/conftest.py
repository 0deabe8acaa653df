"""Fixtures of the zoo-rnn tests: small real training runs shared by several tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zoo_core.registry import Registry, use_registry

#: characters of Tiny Shakespeare the text runs learn from
EXCERPT_CHARS = 20_000


@pytest.fixture(scope="session")
def shakespeare_excerpt(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The first 20,000 characters of Tiny Shakespeare as a text file."""
    text = (shared_data / "tinyshakespeare" / "input.txt").read_text("utf-8")
    path = tmp_path_factory.mktemp("text") / "excerpt.txt"
    path.write_text(text[:EXCERPT_CHARS], encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def trained_runs(
    shared_data: Path,
    shakespeare_excerpt: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Path]]:
    """One short real run per task: ``{"text": run_dir, "music": run_dir}``.

    Small models for a couple of epochs: enough to beat chance, so the tests can
    check that training learned something and that the run directories work.
    """
    import torch

    from zoo_core.runtime.trainer import TrainRequest, train

    root = tmp_path_factory.mktemp("runs")
    requests = {
        "text": TrainRequest(
            model="rnn/char-lstm",
            dataset="text-file",
            overrides={
                "epochs": 2,
                "batch_size": 16,
                "bptt": 32,
                "hidden_size": 64,
                "layers": 1,
                "embedding_size": 16,
                "lr": 1e-2,
                "warmup_steps": 5,
                "data.path": str(shakespeare_excerpt),
            },
        ),
        "music": TrainRequest(
            model="rnn/music-gru",
            dataset="jsb-chorales",
            overrides={"epochs": 2, "hidden_size": 32, "batch_size": 16},
        ),
    }
    registry = Registry.from_plugins(load_entry_points=True, only={"zoo-rnn"})
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    runs: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as patch, use_registry(registry):
        patch.setenv("ZOO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        for name, request in requests.items():
            request.seed = 0
            request.device = "cpu"
            request.data_dir = shared_data
            request.out = root / name
            request.progress = False
            runs[name] = train(request).run_dir
    torch.set_num_threads(threads)
    yield runs
