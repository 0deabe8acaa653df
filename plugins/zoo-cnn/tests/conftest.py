"""Fixtures of the zoo-cnn tests: small trained runs and image files to feed them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from zoo_core.registry import Registry, use_registry


@pytest.fixture(scope="session")
def trained_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """One short real training run per model on the bundled optdigits, shared by
    the predict and export tests: ``{"cnn/lenet5": run_dir, ...}``.

    ResNet-20 trains on a tenth of the training digits (the rest is held out as
    'valid') so the tests stay fast; the point is a real run directory, not a
    good model.
    """
    import torch

    from zoo_core.runtime.trainer import TrainRequest, train

    root = tmp_path_factory.mktemp("runs")
    overrides = {
        "cnn/lenet5": {"epochs": 1, "width": 1.0, "data.augment": "none"},
        "cnn/resnet20": {
            "epochs": 1,
            "data.valid_fraction": 0.9,
            "data.augment": "none",
        },
    }
    registry = Registry.from_plugins(load_entry_points=True, only={"zoo-cnn"})
    runs: dict[str, Path] = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as patch, use_registry(registry):
        patch.setenv("ZOO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        for model, settings in overrides.items():
            result = train(
                TrainRequest(
                    model=model,
                    dataset="optdigits",
                    overrides=settings,
                    seed=0,
                    device="cpu",
                    out=root / model.replace("/", "-"),
                    progress=False,
                )
            )
            runs[model] = result.run_dir
    torch.set_num_threads(threads)
    yield runs


@pytest.fixture
def write_images() -> Callable[[Path, list[str], np.ndarray], list[Path]]:
    """A function saving uint8 images ``(N, H, W)`` (grey) or ``(N, H, W, 3)``
    into a folder under the given file names; each extension picks the format."""
    from PIL import Image

    def write(folder: Path, names: list[str], pixels: np.ndarray) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, image in zip(names, pixels, strict=True):
            path = folder / name
            Image.fromarray(image).save(path)
            paths.append(path)
        return paths

    return write


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """Run torch on one thread: these tensors are tiny, and on a busy shared CPU
    intra-op threads only wait for each other."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
