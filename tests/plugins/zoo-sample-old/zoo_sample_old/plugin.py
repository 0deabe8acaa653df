"""Would register ``old/model``, but its distribution requires zoo-core<0.1."""

from __future__ import annotations

from collections.abc import Callable

from zoo_core import ModelSpec, hookimpl


@hookimpl
def zoo_register_models(register: Callable[[ModelSpec], None]) -> None:
    register(
        ModelSpec(
            id="old/model",
            task="image-classification",
            summary="Never listed: the plugin is refused before it loads",
            builder="zoo_sample_old.missing:build",
        )
    )
