"""The zoo trainer against a plain hand-written PyTorch loop: same model, same data,
same optimizer, same epochs, side by side in one run.

The target is a time ratio (zoo / plain) of 1.05 or less. The two are run
alternately, several rounds, and the medians compared, because the machine may be
shared and noisy.

Run: .venv/bin/python benchmarks/trainer_overhead.py [--model cnn/lenet5]
     [--dataset optdigits] [--epochs 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import write_results  # noqa: E402

TARGET = 1.05
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the zoo command sets it


def zoo_run(model_id: str, dataset: str, epochs: int, seed: int) -> float:
    from zoo_core.runtime.trainer import TrainRequest, train

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        train(
            TrainRequest(
                model=model_id,
                dataset=dataset,
                overrides={"epochs": epochs},
                seed=seed,
                device="cpu",
                out=Path(folder) / "run",
                progress=False,
            )
        )
        return time.perf_counter() - started


def plain_run(model_id: str, dataset: str, epochs: int, seed: int) -> float:
    """A loop as one would write it by hand, with the same model and optimizer."""
    import torch
    import torch.nn.functional as F
    from torch.utils.data import DataLoader

    import zoo_core
    from zoo_core._lazy import resolve_target
    from zoo_core.registry import get_registry
    from zoo_core.runtime.config import model_params
    from zoo_core.specs import resolve_params

    started = time.perf_counter()
    torch.manual_seed(seed)
    registry = get_registry()
    spec = registry.model(model_id)
    hparams = resolve_params(model_params(spec), {"epochs": epochs}, model_id)
    bundle = zoo_core.load_dataset(dataset, seed=seed)
    model = zoo_core.create_model(
        model_id,
        bundle.info,
        **{k: v for k, v in hparams.items() if k in {p.name for p in spec.params}},
    )
    procedure = resolve_target(registry.task(spec.task).procedure)()
    optimizer = procedure.configure_optimizers(model, hparams)["main"]
    schedulers = procedure.configure_schedulers({"main": optimizer}, hparams, 1)

    train_loader = DataLoader(
        bundle.splits["train"], batch_size=hparams["batch_size"], shuffle=True
    )
    valid = bundle.splits.get("valid")
    for _ in range(epochs):
        model.train()
        for inputs, targets in train_loader:
            loss = F.cross_entropy(
                model(inputs),
                targets,
                label_smoothing=hparams.get("label_smoothing", 0.0) or 0.0,
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        for scheduler in schedulers.values():
            scheduler.step()
        if valid is not None:
            model.eval()
            with torch.no_grad():
                for inputs, targets in DataLoader(valid, batch_size=256):
                    model(inputs).argmax(dim=1).eq(targets).sum()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="cnn/lenet5")
    parser.add_argument("--dataset", default="optdigits")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    plain_run(args.model, args.dataset, 1, 0)  # warm-up: imports, caches
    zoo_times, plain_times = [], []
    for round_number in range(args.rounds):
        zoo_times.append(zoo_run(args.model, args.dataset, args.epochs, round_number))
        plain_times.append(
            plain_run(args.model, args.dataset, args.epochs, round_number)
        )

    zoo_median = statistics.median(zoo_times)
    plain_median = statistics.median(plain_times)
    ratio = zoo_median / plain_median
    verdict = "meets" if ratio <= TARGET else "misses"
    table = (
        f"{args.model} on {args.dataset}, {args.epochs} epochs, CPU, "
        f"{args.rounds} alternating rounds.\n\n"
        "| loop | median seconds | all runs |\n|---|---|---|\n"
        f"| zoo trainer | {zoo_median:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in zoo_times)} |\n"
        f"| plain PyTorch loop | {plain_median:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in plain_times)} |\n\n"
        f"Ratio zoo / plain: **{ratio:.3f}** ({verdict} the target of {TARGET} or "
        "less). The zoo run also writes a checkpoint, weights, metrics and the "
        "learning-curve plot every epoch."
    )
    path = write_results(
        "trainer_overhead",
        {
            "model": args.model,
            "dataset": args.dataset,
            "epochs": args.epochs,
            "zoo_seconds": zoo_times,
            "plain_seconds": plain_times,
            "ratio": ratio,
            "target": TARGET,
        },
        table,
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
