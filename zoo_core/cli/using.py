"""``zoo predict``, ``zoo generate`` and ``zoo export``: using a trained run."""

from __future__ import annotations

from pathlib import Path

import click

from ._output import echo_json
from .training import DEVICE_HELP


@click.command("predict")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1, required=True)
@click.option("--top-k", type=int, default=5, show_default=True, help="Answers each.")
@click.option("--device", default="auto", show_default=True, help=DEVICE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def predict_command(
    run_dir: Path, inputs: tuple[str, ...], top_k: int, device: str, as_json: bool
) -> None:
    """Run the model in RUN_DIR on user INPUTS.

    INPUTS are image files for image classifiers and user ids for recommenders.

    \b
    Examples:
      zoo predict runs/lenet5 seven.png three.jpg --top-k 3
      zoo predict runs/mf 42 --top-k 10
    """
    from ..runtime.run import LoadedRun

    if top_k < 1:
        raise click.BadParameter("must be at least 1", param_hint="--top-k")
    run = LoadedRun.open(run_dir, device=device)
    results = run.procedure.predict(run, list(inputs), top_k)
    if as_json:
        echo_json(results)
        return
    for result in results:
        click.echo(f"{result['input']}:")
        for rank, answer in enumerate(result["predictions"], 1):
            click.echo(f"  {rank:>2}. {answer['label']}  {answer['score']:.4f}")


@click.command("generate")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--num", type=int, help="How many: characters, time steps or images.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File to write (PNG grid, MIDI); a folder for single images.",
)
@click.option("--seed", type=int, help="Random seed for sampling.")
@click.option(
    "--temperature", type=float, default=1.0, show_default=True, help="Sampling heat."
)
@click.option("--prime", help="Text (or a MIDI file) to start from.")
@click.option("--top-k", type=int, help="Sample only among the K likeliest.")
@click.option("--label", type=int, help="Class to generate (conditional models).")
@click.option("--device", default="auto", show_default=True, help=DEVICE_HELP)
def generate_command(
    run_dir: Path,
    num: int | None,
    out: Path | None,
    seed: int | None,
    temperature: float,
    prime: str | None,
    top_k: int | None,
    label: int | None,
    device: str,
) -> None:
    """Make new samples with the generative model in RUN_DIR.

    Text models print text (or write it to --out); music models write a MIDI
    file; GANs write a PNG grid, or single images when --out is a folder.

    \b
    Examples:
      zoo generate runs/char-lstm --prime "ROMEO:" --num 500 --temperature 0.8
      zoo generate runs/music-gru --num 64 --out chorale.mid
      zoo generate runs/cgan --num 64 --label 3 --out threes.png
    """
    from ..runtime.run import LoadedRun
    from ..tasks.base import GenerateRequest

    if temperature <= 0:
        raise click.BadParameter("must be above 0", param_hint="--temperature")
    if num is not None and num < 1:
        raise click.BadParameter("must be at least 1", param_hint="--num")
    run = LoadedRun.open(run_dir, device=device)
    result = run.procedure.generate(
        run,
        GenerateRequest(
            num=num,
            out=out,
            seed=seed,
            temperature=temperature,
            prime=prime,
            top_k=top_k,
            label=label,
        ),
    )
    if "text" in result and out is None:
        click.echo(result["text"])
    for path in result.get("files", []):
        click.echo(str(path))


@click.command("export")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["torchscript", "onnx"]),
    required=True,
    help="Artifact format.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(run_dir: Path, fmt: str, out: Path) -> None:
    """Export the model in RUN_DIR as a TorchScript or ONNX file.

    \b
    Examples:
      zoo export runs/lenet5 --format onnx --out lenet5.onnx
      zoo export runs/lenet5 --format torchscript --out lenet5.pt
    """
    from ..runtime.export import export_run

    click.echo(str(export_run(run_dir, fmt, out)))
