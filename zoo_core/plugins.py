"""Finding and loading plugins, one at a time, so that one broken plugin never takes
the others down.

Plugins are modules named by entry points in the :data:`ENTRY_POINT_GROUP` group.
``ZOO_LOAD_PLUGINS`` (comma-separated distribution names; empty loads none) narrows
which distributions load. ``ZOO_DEBUG=1`` logs every hook call.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import hookspecs
from ._version import __version__

__all__ = [
    "BUILTIN_PLUGIN",
    "call_each",
    "ENTRY_POINT_GROUP",
    "PluginStatus",
    "create_manager",
    "debug_enabled",
    "requested_plugins",
]

ENTRY_POINT_GROUP = "zoo"
BUILTIN_PLUGIN = "zoo-core"
CORE_DISTRIBUTION = "zoo-core"

logger = logging.getLogger(__name__)
trace = logging.getLogger("zoo_core.hooks")


@dataclass
class PluginStatus:
    """What the zoo knows about one plugin: where it came from and whether it works."""

    name: str
    version: str = ""
    module: str = ""
    status: str = "ok"
    error: str = ""
    hooks: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def fail(self, reason: str) -> None:
        """Mark the plugin failed; the first reason is kept, later ones appended."""
        self.status = "failed"
        self.error = f"{self.error}; {reason}" if self.error else reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "module": self.module,
            "status": self.status,
            "error": self.error or None,
            "hooks": sorted(self.hooks),
            "models": sorted(self.models),
            "datasets": sorted(self.datasets),
            "tasks": sorted(self.tasks),
        }


def debug_enabled() -> bool:
    """Whether ``ZOO_DEBUG`` asks for tracebacks and hook tracing."""
    return os.environ.get("ZOO_DEBUG", "").strip().lower() in {"1", "true", "yes"}


def requested_plugins() -> set[str] | None:
    """Distribution names from ``ZOO_LOAD_PLUGINS``; ``None`` means all installed."""
    value = os.environ.get("ZOO_LOAD_PLUGINS")
    if value is None:
        return None
    return {canonicalize_name(name) for name in value.split(",") if name.strip()}


def create_manager(
    *,
    load_entry_points: bool = True,
    only: set[str] | None = None,
    extra: list[tuple[str, object]] | None = None,
) -> tuple[pluggy.PluginManager, dict[str, PluginStatus]]:
    """Build a plugin manager with the built-in plugin and the installed ones.

    Args:
        load_entry_points: look for installed plugins at all; tests pass False.
        only: distribution names to load; ``None`` reads ``ZOO_LOAD_PLUGINS``.
        extra: ``(name, plugin)`` pairs registered directly, for tests and embedding.

    Returns:
        The manager and one :class:`PluginStatus` per plugin, failed ones included.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    statuses: dict[str, PluginStatus] = {}

    from . import builtins

    _register(manager, statuses, BUILTIN_PLUGIN, builtins, __version__)

    if load_entry_points:
        wanted = (
            requested_plugins()
            if only is None
            else {canonicalize_name(name) for name in only}
        )
        _load_entry_points(manager, statuses, wanted)

    for name, plugin in extra or []:
        _register(manager, statuses, name, plugin, "")

    return manager, statuses


def _load_entry_points(
    manager: pluggy.PluginManager,
    statuses: dict[str, PluginStatus],
    wanted: set[str] | None,
) -> None:
    seen: set[str] = set()
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        dist_name = dist.metadata["Name"] if dist else entry_point.name
        key = canonicalize_name(dist_name)
        seen.add(key)
        if wanted is not None and key not in wanted:
            continue

        version = dist.version if dist else ""
        status = PluginStatus(dist_name, version, entry_point.value)
        statuses[dist_name] = status

        incompatible = _core_requirement_mismatch(dist)
        if incompatible:
            _record_failure(status, incompatible)
            continue

        try:
            plugin = entry_point.load()
        except Exception as exc:  # any import failure must stay inside the plugin
            _record_failure(status, f"import failed: {type(exc).__name__}: {exc}")
            if debug_enabled():
                logger.debug("traceback of importing %s", dist_name, exc_info=True)
            continue
        _register(manager, statuses, dist_name, plugin, version, entry_point.value)

    for missing in sorted((wanted or set()) - seen):
        logger.warning(
            "ZOO_LOAD_PLUGINS names %s, which is not installed as a zoo plugin",
            missing,
        )


def _register(
    manager: pluggy.PluginManager,
    statuses: dict[str, PluginStatus],
    name: str,
    plugin: object,
    version: str,
    module: str = "",
) -> None:
    status = statuses.setdefault(name, PluginStatus(name, version, module))
    status.module = status.module or module or getattr(plugin, "__name__", "")
    try:
        manager.register(plugin, name=name)
    except Exception as exc:  # pluggy validates signatures here
        _record_failure(status, f"rejected by the plugin manager: {exc}")
        return
    status.hooks = sorted(
        caller.name for caller in manager.get_hookcallers(plugin) or []
    )


def _record_failure(status: PluginStatus, reason: str) -> None:
    status.fail(reason)
    logger.warning("plugin %s failed: %s", status.name, reason)


def _core_requirement_mismatch(dist: metadata.Distribution | None) -> str:
    """Say why ``dist`` cannot run with this zoo-core, or return an empty string."""
    if dist is None:
        return ""
    for line in dist.requires or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) != CORE_DISTRIBUTION:
            continue
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        if requirement.specifier and not requirement.specifier.contains(
            __version__, prereleases=True
        ):
            return (
                f"requires zoo-core{requirement.specifier} but zoo-core {__version__} "
                "is installed; install a release of the plugin made for this zoo-core"
            )
    return ""


def call_each(
    manager: pluggy.PluginManager,
    statuses: dict[str, PluginStatus],
    hook_name: str,
    arguments_for: Callable[[str], dict[str, Any]] | None = None,
    **kwargs: Any,
) -> list[tuple[str, Any]]:
    """Call every implementation of ``hook_name`` on its own.

    A plugin whose hook raises is marked failed and logged; the others still run.
    ``arguments_for(plugin_name)``, when given, adds arguments for that plugin's call.
    Returns ``(plugin name, return value)`` for the calls that succeeded.
    """
    results: list[tuple[str, Any]] = []
    caller = getattr(manager.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):
        name = manager.get_name(impl.plugin) or "?"
        status = statuses.get(name)
        if status is not None and not status.ok:
            continue

        trace.debug("hook %s -> %s", hook_name, name)
        arguments = dict(kwargs, **(arguments_for(name) if arguments_for else {}))
        try:
            result = impl.function(**{arg: arguments[arg] for arg in impl.argnames})
        except Exception as exc:  # a plugin's bug stays inside that plugin
            reason = f"{hook_name} raised {type(exc).__name__}: {exc}"
            if status is not None:
                _record_failure(status, reason)
            else:
                logger.warning("plugin %s failed: %s", name, reason)
            if debug_enabled():
                logger.exception("traceback of %s in %s", hook_name, name)
            continue
        results.append((name, result))
    return results
