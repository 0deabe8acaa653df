"""Commands that show what is installed: plugins, models, datasets, model cards."""

from __future__ import annotations

import click

from ..data.loading import is_present
from ..errors import NotFoundError
from ..registry import get_registry
from ._output import echo_json, echo_table


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def plugins_command(as_json: bool) -> None:
    """List installed plugins, what each adds, and whether it loaded.

    \b
    Examples:
      zoo plugins
      zoo plugins --json | jq '.[] | select(.status == "failed")'
    """
    registry = get_registry()
    statuses = sorted(registry.plugins.values(), key=lambda s: s.name)
    if as_json:
        echo_json([status.to_dict() for status in statuses])
        return

    rows = [
        (
            status.name,
            status.version or "-",
            len(status.models),
            len(status.datasets),
            len(status.tasks),
            "ok" if status.ok else f"failed: {status.error}",
        )
        for status in statuses
    ]
    echo_table(["plugin", "version", "models", "datasets", "tasks", "status"], rows)


@click.command("models")
@click.argument("pattern", required=False)
@click.option("--task", help="Only models of this task, e.g. image-classification.")
@click.option("--plugin", "plugin_name", help="Only models from this plugin.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def models_command(
    pattern: str | None, task: str | None, plugin_name: str | None, as_json: bool
) -> None:
    """List registered models, optionally matching a shell-style PATTERN.

    \b
    Examples:
      zoo models
      zoo models 'cnn/*'
      zoo models --task rating-prediction --json
    """
    registry = get_registry()
    if task is not None and task not in registry.model_tasks():
        known = ", ".join(sorted(registry.model_tasks())) or "none"
        raise NotFoundError(f"no task named {task!r}; tasks: {known}")
    if plugin_name is not None and plugin_name not in registry.plugins:
        known = ", ".join(sorted(registry.plugins)) or "none"
        raise NotFoundError(f"no plugin named {plugin_name!r}; plugins: {known}")

    specs = registry.find_models(pattern, task=task, plugin=plugin_name)
    if as_json:
        echo_json([spec.to_dict() for spec in specs])
        return
    if not specs:
        click.echo("No models match.", err=True)
        return
    echo_table(
        ["id", "task", "plugin", "summary"],
        [(s.id, s.task, s.plugin, s.summary) for s in specs],
    )


@click.command("info")
@click.argument("model")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def info_command(model: str, as_json: bool) -> None:
    """Show the model card of MODEL: task, plugin, hyperparameters, datasets.

    \b
    Example:
      zoo info recsys/mf
    """
    spec = get_registry().model(model)
    if as_json:
        echo_json(spec.to_dict())
        return

    click.echo(f"{spec.id}: {spec.summary}")
    click.echo(f"  task:      {spec.task}")
    click.echo(f"  plugin:    {spec.plugin} {spec.version}".rstrip())
    if spec.datasets:
        click.echo(f"  datasets:  {', '.join(spec.datasets)}")
    if spec.reference:
        click.echo(f"  reference: {spec.reference}")
    if spec.params:
        click.echo("  hyperparameters (set with --set KEY=VALUE):")
        width = max(len(param.name) for param in spec.params)
        for param in spec.params:
            extra = f" ({param.help})" if param.help else ""
            choices = (
                f" one of {', '.join(map(str, param.choices))}" if param.choices else ""
            )
            click.echo(
                f"    {param.name.ljust(width)}  {param.type:<5} "
                f"default {param.default!r}{choices}{extra}"
            )


@click.command("datasets")
@click.argument("pattern", required=False)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help="Data directory to check (default: $ZOO_DATA_DIR or the user cache).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def datasets_command(pattern: str | None, data_dir: str | None, as_json: bool) -> None:
    """List registered datasets and whether each is in the data directory.

    \b
    Examples:
      zoo datasets
      ZOO_DATA_DIR=/data zoo datasets 'movielens-*' --json
    """
    specs = get_registry().find_datasets(pattern)
    documents = []
    for spec in specs:
        document = spec.to_dict()
        document["present"] = is_present(spec, data_dir)
        documents.append(document)

    if as_json:
        echo_json(documents)
        return
    if not documents:
        click.echo("No datasets match.", err=True)
        return
    echo_table(
        ["id", "task", "present", "source"],
        [
            (d["id"], d["task"], "yes" if d["present"] else "no", d["origin"])
            for d in documents
        ],
    )
