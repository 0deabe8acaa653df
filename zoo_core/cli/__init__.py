"""The ``zoo`` command line.

Results go to stdout, notices to stderr. Library errors become one ``Error:`` line
with the exit code the error carries; ``--debug`` or ``ZOO_DEBUG=1`` shows the
traceback instead.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Any

import click

from .._version import __version__
from ..errors import ZooError
from ..plugins import debug_enabled

__all__ = ["main"]

# OpenMP threads that spin while waiting make training many times slower on a CPU
# shared with other work; passive waiting costs little on an idle machine. Set
# before torch is imported, and only when the user has not chosen.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_COMMANDS = {
    "plugins": "zoo_core.cli.listing:plugins_command",
    "models": "zoo_core.cli.listing:models_command",
    "info": "zoo_core.cli.listing:info_command",
    "datasets": "zoo_core.cli.listing:datasets_command",
    "data": "zoo_core.cli.data:data_group",
    "install": "zoo_core.cli.install:install_command",
    "uninstall": "zoo_core.cli.install:uninstall_command",
    "plugin": "zoo_core.cli.plugin:plugin_group",
    "train": "zoo_core.cli.training:train_command",
    "evaluate": "zoo_core.cli.training:evaluate_command",
    "predict": "zoo_core.cli.using:predict_command",
    "generate": "zoo_core.cli.using:generate_command",
    "export": "zoo_core.cli.using:export_command",
}


class ZooGroup(click.Group):
    """A group that imports each command only when it runs, and reports errors."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = _COMMANDS.get(name)
        if target is None:
            return None
        import importlib

        module_name, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module_name), attribute)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ZooError as exc:
            if _debugging(ctx):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if _debugging(ctx):
                raise
            click.echo(
                f"Error: unexpected {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback)",
                err=True,
            )
            ctx.exit(1)


def _debugging(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool(root.params.get("debug")) or debug_enabled()


@click.group(cls=ZooGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zoo")
@click.option(
    "--debug", is_flag=True, help="Show tracebacks and trace every hook call."
)
def main(debug: bool) -> None:
    """A model zoo you extend with plugins.

    \b
    Browse:   zoo models 'cnn/*'      zoo info recsys/mf     zoo datasets
    Train:    zoo train cnn/lenet5 --dataset optdigits --epochs 5
    Use:      zoo evaluate RUN_DIR    zoo predict RUN_DIR digit.png
    Extend:   zoo plugins             zoo install zoo-foo    zoo plugin new foo
    """
    _configure_logging(debug or debug_enabled())


class _StderrHandler(logging.Handler):
    """Prints library log records on stderr, warnings as ``Warning: ...``."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info:
            trace = "".join(traceback.format_exception(*record.exc_info))
            message = f"{message}\n{trace.rstrip()}"
        if record.levelno >= logging.WARNING:
            message = f"Warning: {message}"
        elif record.levelno < logging.INFO:
            message = f"[{record.name}] {message}"
        click.echo(message, err=True)


def _configure_logging(debug: bool) -> None:
    """Send log records of the library and its plugins to stderr, once."""
    root = logging.getLogger()
    if not any(isinstance(handler, _StderrHandler) for handler in root.handlers):
        root.addHandler(_StderrHandler())
    root.setLevel(logging.WARNING)
    logging.getLogger("zoo_core").setLevel(logging.DEBUG if debug else logging.INFO)


def run() -> None:  # pragma: no cover - console entry for ``python -m``
    sys.exit(main())
