"""Registers ``sample/linear``, which zoo-sample registers too, and an id of its own."""

from __future__ import annotations

from collections.abc import Callable

from zoo_core import ModelSpec, hookimpl


@hookimpl
def zoo_register_models(register: Callable[[ModelSpec], None]) -> None:
    register(
        ModelSpec(
            id="sample/linear",
            task="sample-regression",
            summary="The same id as zoo-sample's model",
            builder="zoo_sample_dup.missing:build",
        )
    )
    register(
        ModelSpec(
            id="dup/own",
            task="image-classification",
            summary="An id nobody else registers",
            builder="zoo_sample_dup.missing:build",
        )
    )
