"""``zoo plugin new``: a ready plugin package, copied from ``zoo_core/template``.

The template files end in ``.tmpl`` so that no tool mistakes them for the zoo's own
code. Rendering replaces ``{{dist}}``, ``{{package}}``, ``{{namespace}}`` and
``{{core_requirement}}`` in their text, ``PACKAGE`` in their paths, and drops the
suffix.
"""

from __future__ import annotations

import keyword
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from importlib.util import find_spec
from pathlib import Path

import click

from .._version import __version__
from ..errors import ConfigError

__all__ = ["PluginNames", "create_plugin", "plugin_group"]

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_SUFFIX = ".tmpl"
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class PluginNames:
    """The names one plugin goes by.

    Attributes:
        dist: the distribution name pip knows, as the user typed it (``zoo-hello``).
        package: the importable package (``zoo_hello``).
        namespace: the first part of its model ids (``hello``): the name without
            a leading ``zoo-``.
        core_requirement: the zoo-core versions it declares it works with.
    """

    dist: str
    package: str
    namespace: str
    core_requirement: str

    @classmethod
    def from_name(cls, name: str) -> PluginNames:
        """Check ``name`` and derive the other names; ConfigError says what is wrong."""
        if not _NAME.match(name):
            raise ConfigError(
                f"{name!r} is not a valid plugin name; use lower-case letters and "
                "digits, starting with a letter, with single - or _ between words "
                "(for example zoo-hello)"
            )

        package = name.replace("-", "_")
        if keyword.iskeyword(package):
            raise ConfigError(f"{name!r} is a Python keyword; choose another name")

        namespace = name.removeprefix("zoo-").removeprefix("zoo_") or name
        return cls(name, package, namespace, core_requirement(__version__))

    def substitutions(self) -> dict[str, str]:
        return {
            "dist": self.dist,
            "package": self.package,
            "namespace": self.namespace,
            "core_requirement": self.core_requirement,
        }


def core_requirement(version: str) -> str:
    """The range of zoo-core releases a new plugin should accept.

    Before 1.0 a minor release may change the plugin interface, so the range stops
    at the next minor version; from 1.0 on, at the next major version.
    """
    major, minor = (int(part) for part in version.split(".")[:2])
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"zoo-core>={major}.{minor},<{upper}"


def create_plugin(name: str, parent: Path) -> tuple[Path, PluginNames]:
    """Render the template into ``parent / name``; return that folder and the names.

    The package is written into a temporary folder beside the target and renamed
    into place at the end, so a failure never leaves half a package behind.

    Raises:
        ConfigError: the name is invalid, the folder already exists, or a module of
            the same name is already importable (the plugin would hide it).
    """
    names = PluginNames.from_name(name)
    target = parent / name
    if target.exists():
        raise ConfigError(
            f"{target} already exists; remove it or choose another plugin name"
        )
    _check_free_module_name(names.package)

    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=parent))
    try:
        _render_tree(resources.files("zoo_core") / "template", staging, names)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target, names


def _check_free_module_name(package: str) -> None:
    # A bare folder of that name on sys.path (a namespace package, origin None) is
    # no clash; an installed module or package is.
    spec = find_spec(package)
    if spec is not None and spec.origin is not None:
        raise ConfigError(
            f"a module named {package} is already installed ({spec.origin}); "
            "choose another name so the plugin does not hide it"
        )


def _render_tree(source: Traversable, target: Path, names: PluginNames) -> None:
    for entry in source.iterdir():
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        rendered_name = entry.name.replace("PACKAGE", names.package)
        if entry.is_dir():
            folder = target / rendered_name
            folder.mkdir()
            _render_tree(entry, folder, names)
        elif entry.name.endswith(_SUFFIX):
            text = _render_text(entry.read_text(encoding="utf-8"), names, entry.name)
            path = target / rendered_name.removesuffix(_SUFFIX)
            path.write_text(text, encoding="utf-8")


def _render_text(text: str, names: PluginNames, source_name: str) -> str:
    values = names.substitutions()

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise ValueError(f"template {source_name} uses unknown {{{{{key}}}}}")
        return values[key]

    return _PLACEHOLDER.sub(substitute, text)


@click.group("plugin")
def plugin_group() -> None:
    """Create plugins: packages that add models, datasets and tasks to the zoo."""


@plugin_group.command("new")
@click.argument("name")
@click.option(
    "--directory",
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Create the package folder inside this directory.",
)
def new_command(name: str, directory: Path) -> None:
    """Create a ready plugin package in ./NAME.

    NAME is the distribution name pip will know it by, for example zoo-hello. The
    package holds the zoo entry point, one example model, one generated example
    dataset, a README and a passing test. Model ids start with NAME without a
    leading "zoo-".

    \b
    Example:
      zoo plugin new zoo-hello
      pip install -e ./zoo-hello
      zoo train hello/tiny-cnn --epochs 3
    """
    target, names = create_plugin(name, directory)

    shown = str(target)
    if not target.is_absolute() and not shown.startswith("."):
        shown = f"./{shown}"
    click.echo(f"Created {shown} (distribution {names.dist}, package {names.package})")
    click.echo(f"  model    {names.namespace}/tiny-cnn")
    click.echo(f"  dataset  {names.namespace}-shapes")
    click.echo("Next:")
    click.echo(f"  pip install -e {shown}")
    click.echo(f"  zoo train {names.namespace}/tiny-cnn --epochs 3 --out runs/tiny")
    click.echo(f"  cd {shown} && pytest")
