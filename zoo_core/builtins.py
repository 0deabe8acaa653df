"""The zoo's own default plugin: tasks general enough to serve every plugin.

It registers through the same hooks as any installed plugin.
"""

from __future__ import annotations

from collections.abc import Callable

from .hookspecs import hookimpl
from .specs import TaskSpec


@hookimpl
def zoo_register_tasks(register: Callable[[TaskSpec], None]) -> None:
    register(
        TaskSpec(
            id="image-classification",
            summary="Supervised classification of images (or any tensors) into classes",
            procedure="zoo_core.tasks.classification:ClassificationProcedure",
            metrics=("accuracy", "loss"),
        )
    )
