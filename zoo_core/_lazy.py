"""Importing the ``"module:attribute"`` targets that specs name, only when needed."""

from __future__ import annotations

import importlib
from typing import Any

from .errors import PluginError

__all__ = ["resolve_target"]


def resolve_target(target: str, owner: str = "") -> Any:
    """Import ``"package.module:name"`` and return the named object.

    A plugin whose code cannot be imported raises PluginError naming the target, so
    the user learns which plugin is broken rather than seeing a traceback.
    """
    module_name, _, attribute = target.partition(":")
    where = f" (for {owner})" if owner else ""
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise PluginError(
            f"cannot import {module_name}{where}: {type(exc).__name__}: {exc}"
        ) from exc

    value: Any = module
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise PluginError(f"{module_name} has no {attribute}{where}") from None
    return value
