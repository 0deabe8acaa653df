"""`zoo predict` on PNG and JPEG files rendered from optdigits test digits, and
`zoo export` artifacts that load and answer as the run does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from zoo_core.cli import main
from zoo_core.formats import read_optdigits
from zoo_core.registry import Registry
from zoo_core.runtime.export import export_run
from zoo_core.runtime.run import LoadedRun

Writer = Callable[[Path, list[str], np.ndarray], list[Path]]

#: test rows rendered as image files
ROWS = [0, 1, 2, 3, 4, 5]


@pytest.fixture
def digits(shared_data: Path) -> tuple[np.ndarray, np.ndarray]:
    """The optdigits test images as 0..255 grey pixels, and their labels."""
    images, labels = read_optdigits(shared_data / "optdigits" / "optdigits.tes")
    return np.round(images.astype(np.float64) * 255 / 16).astype(np.uint8), labels


def _probabilities(run: LoadedRun, pixels: np.ndarray) -> torch.Tensor:
    """The run's class probabilities for grey pixels (N, 8, 8), normalised by hand."""
    scaled = torch.from_numpy(pixels).float().unsqueeze(1) / 255
    inputs = (scaled - run.info["mean"][0]) / run.info["std"][0]
    with torch.no_grad():
        return torch.softmax(run.model(inputs), dim=1)


def test_predict_labels_png_and_jpeg_files(
    load_plugins: Callable[..., Registry],
    trained_runs: dict[str, Path],
    digits: tuple[np.ndarray, np.ndarray],
    tmp_path: Path,
    write_images: Writer,
) -> None:
    load_plugins("zoo-cnn")
    run_dir = trained_runs["cnn/lenet5"]
    pixels, labels = digits
    names = [f"digit{row}.png" for row in ROWS[:-1]] + [f"digit{ROWS[-1]}.jpg"]
    paths = write_images(tmp_path, names, pixels[ROWS])

    result = CliRunner().invoke(
        main, ["predict", str(run_dir), *map(str, paths), "--top-k", "3", "--json"]
    )

    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)
    expected = _probabilities(LoadedRun.open(run_dir, device="cpu"), pixels[ROWS])
    for answer, path, probabilities in zip(answers, paths, expected, strict=True):
        assert answer["input"] == str(path)
        top = answer["predictions"]
        assert len(top) == 3
        assert [p["score"] for p in top] == sorted(
            (p["score"] for p in top), reverse=True
        )
        if path.suffix == ".png":  # lossless: exactly what the model gives
            assert top[0]["label"] == str(int(probabilities.argmax()))
            assert top[0]["score"] == pytest.approx(
                float(probabilities.max()), abs=1e-5
            )
    # The files hold the digits as the dataset does (up to rounding to 8 bits).
    run = LoadedRun.open(run_dir, device="cpu")
    dataset_images, dataset_labels = (
        run.load_data().split("test").batch(torch.tensor(ROWS))
    )
    assert dataset_labels.tolist() == labels[ROWS].tolist()
    with torch.no_grad():
        from_dataset = torch.softmax(run.model(dataset_images), dim=1)
    assert torch.allclose(from_dataset, expected, atol=0.02)


def test_predict_prints_labels_and_probabilities(
    load_plugins: Callable[..., Registry],
    trained_runs: dict[str, Path],
    digits: tuple[np.ndarray, np.ndarray],
    tmp_path: Path,
    write_images: Writer,
) -> None:
    load_plugins("zoo-cnn")
    [path] = write_images(tmp_path, ["seven.png"], digits[0][:1])

    result = CliRunner().invoke(
        main, ["predict", str(trained_runs["cnn/lenet5"]), str(path), "--top-k", "2"]
    )

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path}:"
    assert len(lines) == 3 and lines[1].strip().startswith("1. ")
    assert 0.0 <= float(lines[1].split()[-1]) <= 1.0


def test_an_unreadable_image_is_named_in_one_error_line(
    load_plugins: Callable[..., Registry],
    trained_runs: dict[str, Path],
    tmp_path: Path,
) -> None:
    load_plugins("zoo-cnn")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG but not really")

    result = CliRunner().invoke(
        main, ["predict", str(trained_runs["cnn/lenet5"]), str(broken)]
    )

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and str(broken) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("model", ["cnn/lenet5", "cnn/resnet20"])
def test_torchscript_export_answers_as_the_run(
    load_plugins: Callable[..., Registry],
    trained_runs: dict[str, Path],
    tmp_path: Path,
    model: str,
) -> None:
    load_plugins("zoo-cnn")
    run = LoadedRun.open(trained_runs[model], device="cpu")
    images, _ = run.load_data().split("test").batch(torch.arange(5))

    path = export_run(trained_runs[model], "torchscript", tmp_path / "model.pt")
    loaded = torch.jit.load(str(path))

    with torch.no_grad():
        assert torch.allclose(loaded(images), run.model(images), atol=1e-5)


@pytest.mark.parametrize("model", ["cnn/lenet5", "cnn/resnet20"])
def test_onnx_export_answers_as_the_run(
    load_plugins: Callable[..., Registry],
    trained_runs: dict[str, Path],
    tmp_path: Path,
    model: str,
) -> None:
    onnxruntime = pytest.importorskip("onnxruntime")
    load_plugins("zoo-cnn")
    run = LoadedRun.open(trained_runs[model], device="cpu")
    images, _ = run.load_data().split("test").batch(torch.arange(5))

    path = export_run(trained_runs[model], "onnx", tmp_path / "model.onnx")
    inference = onnxruntime.InferenceSession(
        str(path), providers=["CPUExecutionProvider"]
    )
    [outputs] = inference.run(None, {inference.get_inputs()[0].name: images.numpy()})

    with torch.no_grad():
        expected = run.model(images).numpy()
    assert outputs.shape == (5, 10)  # the batch axis is dynamic
    assert np.allclose(outputs, expected, atol=1e-4)
