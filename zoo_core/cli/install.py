"""``zoo install`` and ``zoo uninstall``: pip, run in the environment zoo runs in."""

from __future__ import annotations

import subprocess
import sys

import click

from ..errors import PluginError
from ..registry import get_registry, reset_registry


def _pip(arguments: list[str]) -> None:
    command = [sys.executable, "-m", "pip", *arguments]
    click.echo(f"Running: {' '.join(command)}", err=True)
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        raise PluginError(
            f"pip {arguments[0]} failed with exit code {completed.returncode}; "
            "see pip's output above"
        )


@click.command("install")
@click.argument("packages", nargs=-1)
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade to the newest release.")
@click.option(
    "-e",
    "--editable",
    "editable",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="Install a plugin from a local folder in editable mode (repeatable).",
)
def install_command(packages: tuple[str, ...], upgrade: bool, editable: tuple) -> None:
    """Install plugin PACKAGES with pip, then list what they added.

    \b
    Examples:
      zoo install zoo-recsys
      zoo install ./dist/zoo_myplugin-0.1.0-py3-none-any.whl
      zoo install -e ./my-plugin
    """
    if not packages and not editable:
        raise click.UsageError("name at least one package, or -e PATH")

    before = {name: set(s.models) for name, s in get_registry().plugins.items()}
    arguments = ["install"] + (["--upgrade"] if upgrade else [])
    for path in editable:
        arguments += ["-e", path]
    _pip(arguments + list(packages))

    reset_registry()
    registry = get_registry()
    for name, status in sorted(registry.plugins.items()):
        added = sorted(set(status.models) - before.get(name, set()))
        if name in before and not added:
            continue
        state = "ok" if status.ok else f"failed: {status.error}"
        click.echo(f"{name} {status.version}: {state}")
        for model_id in added:
            click.echo(f"  {model_id}")


@click.command("uninstall")
@click.argument("packages", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def uninstall_command(packages: tuple[str, ...], yes: bool) -> None:
    """Remove plugin PACKAGES with pip.

    \b
    Example:
      zoo uninstall zoo-recsys -y
    """
    if not yes:
        click.confirm(f"Uninstall {', '.join(packages)}?", abort=True, err=True)
    _pip(["uninstall", "--yes", *packages])
    click.echo(f"Removed {', '.join(packages)}.", err=True)
