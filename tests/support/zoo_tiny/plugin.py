"""Hook implementations of the tiny test plugin."""

from __future__ import annotations

from zoo_core import DatasetSpec, ModelSpec, Param, hookimpl


@hookimpl
def zoo_register_models(register):
    register(
        ModelSpec(
            id="tiny/mlp",
            task="image-classification",
            summary="Two-layer perceptron for the tiny test images",
            builder="zoo_tiny.code:build_mlp",
            params=(
                Param("epochs", 3, "int", min=1),
                Param("batch_size", 16, "int", min=1),
                Param("lr", 0.01, "float", min=0.0),
                Param("hidden", 16, "int", "hidden units", min=1),
                Param("dropout", 0.1, "float", min=0.0, max=0.9),
                Param("schedule", "none", "str", choices=("none", "cosine")),
            ),
            datasets=("tiny-blobs",),
        )
    )


@hookimpl
def zoo_register_datasets(register):
    register(
        DatasetSpec(
            id="tiny-blobs",
            task="image-classification",
            summary="Synthetic 4x4 images in three classes",
            loader="zoo_tiny.code:load_blobs",
            splits=("train", "valid", "test"),
            params=(Param("size", 240, "int", "number of images", min=30),),
            bundled=True,
        )
    )
