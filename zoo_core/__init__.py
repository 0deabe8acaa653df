"""zoo-core: the registry, hooks, training runtime and command line of the zoo.

Importing this package is cheap: it never imports torch or any plugin's model code.
Those load when a model is built or trained.
"""

from ._version import __version__
from .api import (
    create_model,
    fetch_dataset,
    get_dataset_spec,
    get_model_spec,
    list_datasets,
    list_models,
    load_dataset,
)
from .hookspecs import hookimpl
from .specs import DatasetSpec, ModelSpec, Param, Source, TaskSpec

__all__ = [
    "DatasetSpec",
    "ModelSpec",
    "Param",
    "Source",
    "TaskSpec",
    "__version__",
    "create_model",
    "fetch_dataset",
    "get_dataset_spec",
    "get_model_spec",
    "hookimpl",
    "list_datasets",
    "list_models",
    "load_dataset",
]
