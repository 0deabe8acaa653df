"""``zoo train`` and ``zoo evaluate``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from ..specs import parse_overrides
from ._output import echo_json

DEVICE_HELP = "auto (cuda, then mps, then cpu), cpu, cuda, cuda:N or mps."


def _quiet() -> None:
    logging.getLogger("zoo_core").setLevel(logging.WARNING)


@click.command("train")
@click.argument("model", required=False)
@click.option("--dataset", help="Dataset id; the model's first dataset by default.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help="Data directory (default: $ZOO_DATA_DIR or the user cache).",
)
@click.option("--device", default="auto", show_default=True, help=DEVICE_HELP)
@click.option("--epochs", type=int, help="Passes over the training split.")
@click.option("--batch-size", type=int, help="Samples per training step.")
@click.option("--lr", type=float, help="Learning rate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="A hyperparameter (see `zoo info MODEL`) or data.OPTION; repeatable.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON or TOML file of KEY = VALUE settings; --set and flags win over it.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Run directory to create.")
@click.option(
    "--resume",
    type=click.Path(path_type=Path),
    help="Continue RUN_DIR from its last complete checkpoint.",
)
@click.option(
    "--amp",
    is_flag=True,
    help="bf16 mixed precision (CUDA, or a CPU with bf16 instructions).",
)
@click.option("--compile", "use_compile", is_flag=True, help="Use torch.compile.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or epoch lines.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def train_command(
    model: str | None,
    dataset: str | None,
    data_dir: str | None,
    device: str,
    epochs: int | None,
    batch_size: int | None,
    lr: float | None,
    seed: int,
    settings: tuple[str, ...],
    config_file: Path | None,
    out: Path | None,
    resume: Path | None,
    amp: bool,
    use_compile: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Train MODEL and write a run directory.

    The run directory holds the resolved config, the weights (safetensors),
    the state needed by --resume, per-epoch metrics and a plot of the learning
    curves. Its path is printed on stdout.

    \b
    Examples:
      zoo train cnn/lenet5 --dataset optdigits --epochs 5
      zoo train recsys/mf --set factors=64 --set data.split=fold-1
      zoo train rnn/char-lstm --device cuda --amp --out runs/shakespeare
      zoo train --resume runs/shakespeare --epochs 20
      torchrun --nproc-per-node 2 -m zoo_core train cnn/lenet5 --device cpu
    """
    from ..runtime.config import load_config_file
    from ..runtime.trainer import TrainRequest, train

    overrides: dict[str, Any] = {}
    if config_file is not None:
        overrides.update(load_config_file(config_file))
    overrides.update(parse_overrides(settings))
    flags = {"epochs": epochs, "batch_size": batch_size, "lr": lr}
    overrides.update({key: value for key, value in flags.items() if value is not None})

    if quiet or as_json:
        _quiet()
    result = train(
        TrainRequest(
            model=model,
            dataset=dataset,
            overrides=overrides,
            seed=seed,
            device=device,
            data_dir=data_dir,
            out=out,
            resume=resume,
            amp=amp,
            compile=use_compile,
            progress=not (quiet or as_json),
        )
    )

    if as_json:
        echo_json(
            {
                "run_dir": str(result.run_dir),
                "metrics": result.metrics,
                "history": result.history,
            }
        )
    else:
        click.echo(str(result.run_dir))


@click.command("evaluate")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--split", help="Split to score (default: the task's test split).")
@click.option("--device", default="auto", show_default=True, help=DEVICE_HELP)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help="Data directory (default: the run's, else $ZOO_DATA_DIR).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def evaluate_command(
    run_dir: Path, split: str | None, device: str, data_dir: str | None, as_json: bool
) -> None:
    """Score the run in RUN_DIR on a split with its task's metrics.

    \b
    Examples:
      zoo evaluate runs/cnn-lenet5-20260101-120000
      zoo evaluate runs/mf --split valid --json
    """
    from ..runtime.evaluation import evaluate_run

    metrics = evaluate_run(run_dir, split, device=device, data_dir=data_dir)
    if as_json:
        echo_json(metrics)
        return
    for key, value in metrics.items():
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        click.echo(f"{key}: {shown}")
