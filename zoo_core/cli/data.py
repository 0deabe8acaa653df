"""Commands that manage the data directory: ``zoo data fetch``."""

from __future__ import annotations

import click

from ..data.fetch import fetch
from ..registry import get_registry


@click.group("data")
def data_group() -> None:
    """Download datasets into the data directory.

    \b
    Examples:
      zoo data fetch movielens-100k
      zoo datasets            (what is registered and what is present)
    """


@data_group.command("fetch")
@click.argument("dataset")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help="Data directory to write into (default: $ZOO_DATA_DIR or the user cache).",
)
@click.option(
    "--force", is_flag=True, help="Download again and replace the copy already there."
)
def fetch_command(dataset: str, data_dir: str | None, force: bool) -> None:
    """Download DATASET, verify its sha256 and unpack it into the data directory.

    Sources are tried in order, the official one first, then mirrors. The
    dataset's terms are shown on stderr before anything is downloaded; the
    dataset's folder is printed on stdout when it is ready.

    \b
    Examples:
      zoo data fetch movielens-100k
      zoo data fetch movielens-1m --data-dir ~/datasets
      ZOO_DATA_DIR=/data zoo data fetch movielens-100k --force
    """
    spec = get_registry().dataset(dataset)
    if spec.bundled:
        click.echo(
            f"{spec.id} is bundled with {spec.plugin or 'its plugin'}; "
            "it needs no download.",
            err=True,
        )
        return

    path = fetch(spec, data_dir, progress=True, force=force)
    click.echo(str(path))
