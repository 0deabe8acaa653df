"""Hooks of the sample plugin. Imports nothing heavy: specs name code lazily."""

from __future__ import annotations

from collections.abc import Callable

from zoo_core import DatasetSpec, ModelSpec, Param, TaskSpec, hookimpl

_TRAINING = (
    Param("epochs", 2, "int", "passes over the training split", min=1),
    Param("batch_size", 32, "int", "samples per step", min=1),
    Param("lr", 0.05, "float", "learning rate", min=0.0),
)


@hookimpl
def zoo_register_models(register: Callable[[ModelSpec], None]) -> None:
    register(
        ModelSpec(
            id="sample/mlp",
            task="image-classification",
            summary="Two-layer perceptron for the sample blobs",
            builder="zoo_sample.models:build_mlp",
            params=(*_TRAINING, Param("hidden", 16, "int", "hidden units", min=1)),
            datasets=("sample-blobs",),
        )
    )
    register(
        ModelSpec(
            id="sample/linear",
            task="sample-regression",
            summary="A straight line fitted by least squares",
            builder="zoo_sample.models:build_linear",
            params=_TRAINING,
            datasets=("sample-line",),
        )
    )


@hookimpl
def zoo_register_datasets(register: Callable[[DatasetSpec], None]) -> None:
    register(
        DatasetSpec(
            id="sample-blobs",
            task="image-classification",
            summary="Three Gaussian clouds of 2-D points, generated",
            loader="zoo_sample.datasets:load_blobs",
            splits=("train", "valid", "test"),
            params=(Param("samples", 300, "int", "training points", min=3),),
            bundled=True,
        )
    )
    register(
        DatasetSpec(
            id="sample-line",
            task="sample-regression",
            summary="Noisy points around y = 2x - 1, generated",
            loader="zoo_sample.datasets:load_line",
            splits=("train", "valid", "test"),
            params=(Param("samples", 200, "int", "training points", min=2),),
            bundled=True,
        )
    )


@hookimpl
def zoo_register_tasks(register: Callable[[TaskSpec], None]) -> None:
    register(
        TaskSpec(
            id="sample-regression",
            summary="Predict one number; scored by mean squared error",
            procedure="zoo_sample.regression:RegressionProcedure",
            metrics=("mse",),
        )
    )
