"""The registry: every model, dataset and task that the loaded plugins contribute.

It is built once per process from the plugin manager. Two plugins registering the
same id is a conflict: the id is left out and both plugins are named, so neither
silently wins.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pluggy

from .errors import ConflictError, NotFoundError
from .plugins import PluginStatus, call_each, create_manager
from .specs import DatasetSpec, ModelSpec, TaskSpec

__all__ = ["Registry", "get_registry", "reset_registry", "use_registry"]

logger = logging.getLogger(__name__)

_KINDS = {
    "model": ("zoo_register_models", ModelSpec, "models"),
    "dataset": ("zoo_register_datasets", DatasetSpec, "datasets"),
    "task": ("zoo_register_tasks", TaskSpec, "tasks"),
}


class Registry:
    """Models, datasets and tasks by id, with the plugins that contributed them."""

    def __init__(
        self, manager: pluggy.PluginManager, statuses: dict[str, PluginStatus]
    ) -> None:
        self.manager = manager
        self.plugins = statuses
        self.models: dict[str, ModelSpec] = {}
        self.datasets: dict[str, DatasetSpec] = {}
        self.tasks: dict[str, TaskSpec] = {}
        self.conflicts: dict[tuple[str, str], list[str]] = {}
        for kind in _KINDS:
            self._collect(kind)

    @classmethod
    def from_plugins(
        cls,
        *plugins: tuple[str, object],
        load_entry_points: bool = False,
        only: set[str] | None = None,
    ) -> Registry:
        """Build a registry from plugin objects, by default without installed ones."""
        manager, statuses = create_manager(
            load_entry_points=load_entry_points, only=only, extra=list(plugins)
        )
        return cls(manager, statuses)

    # -- building ---------------------------------------------------------------

    def _collect(self, kind: str) -> None:
        hook_name, spec_type, attribute = _KINDS[kind]
        table: dict[str, Any] = getattr(self, attribute)
        added_by: dict[str, list[Any]] = {}

        def arguments_for(plugin_name: str) -> dict[str, Any]:
            added = added_by.setdefault(plugin_name, [])

            def register(spec: Any) -> None:
                if not isinstance(spec, spec_type):
                    raise TypeError(
                        f"register() takes a {spec_type.__name__}, not {spec!r}"
                    )
                added.append(spec)

            return {"register": register}

        owners: dict[str, list[str]] = {}
        for plugin_name, _ in call_each(
            self.manager, self.plugins, hook_name, arguments_for=arguments_for
        ):
            status = self.plugins[plugin_name]
            for spec in added_by[plugin_name]:
                spec = dataclasses.replace(
                    spec, plugin=plugin_name, version=status.version
                )
                owners.setdefault(spec.id, []).append(plugin_name)
                table.setdefault(spec.id, spec)
                getattr(status, attribute).append(spec.id)

        for spec_id, names in owners.items():
            if len(names) > 1:
                del table[spec_id]
                names = sorted(names)
                self.conflicts[(kind, spec_id)] = names
                logger.warning(
                    "%s %s is registered by %s; it is left out until one is removed",
                    kind,
                    spec_id,
                    " and ".join(names),
                )

    # -- lookups ----------------------------------------------------------------

    def model(self, model_id: str) -> ModelSpec:
        """The spec of ``model_id``; NotFoundError or ConflictError if unusable."""
        return self._lookup("model", model_id, self.models)

    def dataset(self, dataset_id: str) -> DatasetSpec:
        return self._lookup("dataset", dataset_id, self.datasets)

    def task(self, task_id: str) -> TaskSpec:
        return self._lookup("task", task_id, self.tasks)

    def find_models(
        self,
        pattern: str | None = None,
        *,
        task: str | None = None,
        plugin: str | None = None,
    ) -> list[ModelSpec]:
        """Models whose id matches the shell-style ``pattern``, sorted by id."""
        found = [
            spec
            for spec in self.models.values()
            if (pattern is None or fnmatch.fnmatchcase(spec.id, pattern))
            and (task is None or spec.task == task)
            and (plugin is None or spec.plugin == plugin)
        ]
        return sorted(found, key=lambda spec: spec.id)

    def find_datasets(
        self, pattern: str | None = None, *, task: str | None = None
    ) -> list[DatasetSpec]:
        found = [
            spec
            for spec in self.datasets.values()
            if (pattern is None or fnmatch.fnmatchcase(spec.id, pattern))
            and (task is None or spec.task == task)
        ]
        return sorted(found, key=lambda spec: spec.id)

    def model_tasks(self) -> set[str]:
        """Tasks that at least one model or task spec names."""
        return {spec.task for spec in self.models.values()} | set(self.tasks)

    def _lookup(self, kind: str, spec_id: str, table: dict[str, Any]) -> Any:
        if spec_id in table:
            return table[spec_id]

        owners = self.conflicts.get((kind, spec_id))
        if owners:
            raise ConflictError(
                f"{kind} {spec_id} is registered by both {' and '.join(owners)}; "
                f"uninstall one of them (zoo uninstall NAME)"
            )

        close = difflib.get_close_matches(spec_id, list(table), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        listing = {"model": "zoo models", "dataset": "zoo datasets"}.get(kind)
        see = f"; `{listing}` lists what is installed" if listing else ""
        raise NotFoundError(f"no {kind} named {spec_id!r}{hint}{see}")

    # -- lifecycle events ---------------------------------------------------------

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Fire a lifecycle hook on every plugin; a plugin that raises is logged."""
        call_each(self.manager, self.plugins, hook_name, **kwargs)


_current: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry of installed plugins, built on first use."""
    global _current
    if _current is None:
        manager, statuses = create_manager()
        _current = Registry(manager, statuses)
    return _current


def reset_registry() -> None:
    """Forget the process-wide registry so the next use rebuilds it."""
    global _current
    _current = None


@contextmanager
def use_registry(registry: Registry) -> Iterator[Registry]:
    """Make ``registry`` the process-wide one inside a ``with`` block."""
    global _current
    previous, _current = _current, registry
    try:
        yield registry
    finally:
        _current = previous
