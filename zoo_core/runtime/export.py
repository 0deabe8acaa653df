"""Exporting a trained run as a deployable TorchScript or ONNX file."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ConfigError
from .files import atomic_write
from .run import LoadedRun

__all__ = ["FORMATS", "export_run"]

FORMATS = ("torchscript", "onnx")


def export_run(
    run_dir: str | os.PathLike[str], fmt: str, out: str | os.PathLike[str]
) -> Path:
    """Write the run's model in ``fmt`` to ``out``; inputs come from its task."""
    import torch

    if fmt not in FORMATS:
        raise ConfigError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    run = LoadedRun.open(run_dir, device="cpu")
    inputs = run.procedure.example_inputs(run.info)
    target = Path(out)

    if fmt == "torchscript":
        with torch.no_grad():
            traced = torch.jit.trace(run.model, inputs)
        atomic_write(target, lambda temp: traced.save(str(temp)))
        return target

    names = [f"input{i}" if len(inputs) > 1 else "input" for i in range(len(inputs))]
    axes = {name: {0: "batch"} for name in names}
    axes["output"] = {0: "batch"}

    def write_onnx(temp: Path) -> None:
        torch.onnx.export(
            run.model,
            inputs,
            str(temp),
            input_names=names,
            output_names=["output"],
            dynamic_axes=axes,
            dynamo=False,
        )

    try:
        atomic_write(target.with_suffix(target.suffix), write_onnx)
    except ImportError as exc:
        raise ConfigError(
            f"ONNX export needs the onnx package ({exc}); "
            "pip install 'zoo-core[export]'"
        ) from None
    return target
