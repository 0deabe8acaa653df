"""CNN benchmark: LeNet-5 accuracy on optdigits, and the zoo runtime's speed against
a plain PyTorch loop.

Run from the repository root, with the zoo-cnn plugin installed::

    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/cnn/run.py
    .venv/bin/python benchmarks/cnn/run.py --seeds 0 1 --trials 2 --threads 1

On a CPU shared with other busy processes, OpenMP's default of spinning while it
waits makes torch's intra-op threads wait for each other for most of each step
(an epoch of LeNet-5 on optdigits took 40 to 90 s instead of 2 s with two threads
on a shared two-core machine). ``OMP_WAIT_POLICY=PASSIVE`` (read when torch is
imported) or ``--threads 1`` avoids it; the report records both settings.

Part 1 runs the default ``zoo train cnn/lenet5 --dataset optdigits`` (UCI's own
train/test split, the ModelSpec's default hyperparameters) once per seed as a
separate process, times it from start to exit, and scores the test split with
``zoo evaluate``. Part 2 trains the same model on the same data with the same
optimizer, once through the zoo runtime and once with a hand-written loop over
tensors, alternating the two so a change in machine load hits both, and compares
images per second for training and for inference.

Results go to benchmarks/results/cnn.md and cnn.json, with the machine they ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from zoo_core.api import create_model, get_model_spec, load_dataset
from zoo_core.registry import Registry, use_registry
from zoo_core.runtime.run import LoadedRun
from zoo_core.runtime.trainer import TrainRequest, train
from zoo_core.tasks.base import EvalContext

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "benchmarks" / "results"
MODEL = "cnn/lenet5"
DATASET = "optdigits"
TARGET_ACCURACY = 0.99
TARGET_SECONDS = 60.0


def main() -> None:
    args = _arguments()
    if args.threads:
        torch.set_num_threads(args.threads)
    registry = Registry.from_plugins(load_entry_points=True, only={"zoo-cnn"})

    with use_registry(registry), tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        os.environ["ZOO_CACHE_DIR"] = str(work / "cache")
        machine = _machine(args.threads)
        accuracy = _accuracy_runs(args.seeds, args.threads, work)
        speed = _speed_comparison(args.trials, args.speed_epochs, work)
        machine["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        hparams = get_model_spec(MODEL).defaults()

    report = {
        "machine": machine,
        "model": MODEL,
        "dataset": DATASET,
        "hparams": hparams,
        "accuracy": accuracy,
        "speed": speed,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cnn.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "cnn.md").write_text(_markdown(report))
    print((RESULTS / "cnn.md").read_text())


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--trials", type=int, default=3, help="alternating zoo/plain speed trials"
    )
    parser.add_argument(
        "--speed-epochs", type=int, default=3, help="epochs per speed trial"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="torch threads (OMP_NUM_THREADS for the zoo processes); 0 keeps "
        "torch's default",
    )
    return parser.parse_args()


# -- the machine ---------------------------------------------------------------


def _machine(threads: int) -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "threads_forced": bool(threads),
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "(unset)"),
        "python": platform.python_version(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# -- part 1: accuracy of the default command -----------------------------------


def _accuracy_runs(seeds: list[int], threads: int, work: Path) -> dict[str, Any]:
    """Run the default ``zoo train`` per seed as its own process; score the test
    split with ``zoo evaluate``."""
    env = dict(os.environ, ZOO_LOAD_PLUGINS="zoo-cnn")
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    zoo = str(Path(sys.executable).with_name("zoo"))

    runs = []
    for seed in seeds:
        run_dir = work / f"accuracy-seed{seed}"
        command = [
            zoo,
            "train",
            MODEL,
            "--dataset",
            DATASET,
            "--seed",
            str(seed),
            "--device",
            "cpu",
            "--out",
            str(run_dir),
            "--quiet",
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)

        scores = subprocess.run(
            [zoo, "evaluate", str(run_dir), "--device", "cpu", "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        metrics = json.loads(scores.stdout)
        epochs = [json.loads(line) for line in (run_dir / "metrics.jsonl").open()]
        runs.append(
            {
                "seed": seed,
                "test_accuracy": metrics["accuracy"],
                "test_errors": round((1 - metrics["accuracy"]) * 1797),
                "wall_seconds": round(wall, 2),
                "cpu_seconds": round(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                    2,
                ),
                "epoch_seconds": round(sum(row["seconds"] for row in epochs), 2),
            }
        )
        print(f"seed {seed}: {runs[-1]}", file=sys.stderr, flush=True)

    accuracies = [run["test_accuracy"] for run in runs]
    walls = [run["wall_seconds"] for run in runs]
    return {
        "command": f"zoo train {MODEL} --dataset {DATASET} --seed S --device cpu",
        "runs": runs,
        "mean_accuracy": statistics.fmean(accuracies),
        "min_accuracy": min(accuracies),
        "max_wall_seconds": max(walls),
        "accuracy_target_met": min(accuracies) >= TARGET_ACCURACY,
        "time_target_met": max(walls) < TARGET_SECONDS,
    }


# -- part 2: zoo runtime against a hand-written loop ------------------------------


def _speed_comparison(trials: int, epochs: int, work: Path) -> dict[str, Any]:
    hparams = get_model_spec(MODEL).defaults()
    bundle = load_dataset(DATASET)
    train_split, test_split = bundle.split("train"), bundle.split("test")
    train_images = len(train_split) * epochs
    # The plain loop gets its tensors ready once, as a hand-written script would,
    # and applies the dataset's default augmentation to each batch as the zoo
    # does, so both do the same work.
    plain_data = PlainData(
        pixels=train_split.pixels.float() / train_split.scale,
        labels=train_split.labels,
        mean=train_split.mean,
        std=train_split.std,
        augment=train_split.augment,
    )
    test_x, test_y = test_split.batch(torch.arange(len(test_split)))

    timings: dict[str, list[float]] = {
        "zoo_train_end_to_end": [],
        "zoo_train_epochs": [],
        "plain_train": [],
        "zoo_inference": [],
        "zoo_evaluate_end_to_end": [],
        "plain_inference": [],
    }
    accuracies: dict[str, list[float]] = {"zoo": [], "plain": []}
    for trial in range(trials):
        run_dir = work / f"speed-{trial}"
        started = time.perf_counter()
        result = train(
            TrainRequest(
                model=MODEL,
                dataset=DATASET,
                overrides={"epochs": epochs},
                seed=trial,
                device="cpu",
                out=run_dir,
                progress=False,
            )
        )
        timings["zoo_train_end_to_end"].append(time.perf_counter() - started)
        timings["zoo_train_epochs"].append(sum(r["seconds"] for r in result.history))

        plain_seconds, model = _plain_training(
            hparams, bundle.info, plain_data, epochs, seed=trial
        )
        timings["plain_train"].append(plain_seconds)

        zoo_seconds, zoo_total, zoo_accuracy = _zoo_inference(run_dir)
        timings["zoo_inference"].append(zoo_seconds)
        timings["zoo_evaluate_end_to_end"].append(zoo_total)
        plain_seconds, plain_accuracy = _plain_inference(model, test_x, test_y)
        timings["plain_inference"].append(plain_seconds)
        accuracies["zoo"].append(zoo_accuracy)
        accuracies["plain"].append(plain_accuracy)
        print(
            f"speed trial {trial}: "
            + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in timings.items()),
            file=sys.stderr,
            flush=True,
        )

    median = {key: statistics.median(values) for key, values in timings.items()}
    test_images = len(test_split)
    rates = {
        "zoo_train_end_to_end": train_images / median["zoo_train_end_to_end"],
        "zoo_train_epochs": train_images / median["zoo_train_epochs"],
        "plain_train": train_images / median["plain_train"],
        "zoo_inference": test_images / median["zoo_inference"],
        "zoo_evaluate_end_to_end": test_images / median["zoo_evaluate_end_to_end"],
        "plain_inference": test_images / median["plain_inference"],
    }
    return {
        "trials": trials,
        "epochs_per_trial": epochs,
        "train_images_per_trial": train_images,
        "test_images": test_images,
        "seconds": {k: [round(v, 3) for v in vs] for k, vs in timings.items()},
        "images_per_second": {k: round(v, 1) for k, v in rates.items()},
        "ratios_zoo_to_plain": {
            "train_epochs": round(rates["zoo_train_epochs"] / rates["plain_train"], 3),
            "train_end_to_end": round(
                rates["zoo_train_end_to_end"] / rates["plain_train"], 3
            ),
            "inference": round(rates["zoo_inference"] / rates["plain_inference"], 3),
            "evaluate_end_to_end": round(
                rates["zoo_evaluate_end_to_end"] / rates["plain_inference"], 3
            ),
        },
        "test_accuracy_after_trial": accuracies,
    }


@dataclass
class PlainData:
    """Training tensors for the hand-written loop: pixels scaled to [0, 1], labels,
    normalisation statistics and the augmentation to apply per batch."""

    pixels: torch.Tensor
    labels: torch.Tensor
    mean: torch.Tensor
    std: torch.Tensor
    augment: Callable[[torch.Tensor], torch.Tensor] | None


def _plain_training(
    hparams: dict[str, Any],
    info: dict[str, Any],
    data: PlainData,
    epochs: int,
    seed: int,
) -> tuple[float, torch.nn.Module]:
    """The loop a user would write: AdamW, cosine schedule, shuffled slices."""
    torch.manual_seed(seed)
    model = create_model(MODEL, info, **hparams)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=hparams["lr"], weight_decay=hparams["weight_decay"]
    )
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    batch_size = hparams["batch_size"]

    started = time.perf_counter()
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(data.labels))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            images = data.pixels[rows]
            if data.augment is not None:
                images = data.augment(images)
            loss = F.cross_entropy(
                model((images - data.mean) / data.std),
                data.labels[rows],
                label_smoothing=hparams["label_smoothing"],
            )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        schedule.step()
    return time.perf_counter() - started, model.eval()


def _plain_inference(
    model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor
) -> tuple[float, float]:
    started = time.perf_counter()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(labels), 256):
            logits = model(images[start : start + 256])
            correct += (logits.argmax(1) == labels[start : start + 256]).sum().item()
    return time.perf_counter() - started, correct / len(labels)


def _zoo_inference(run_dir: Path) -> tuple[float, float, float]:
    """Seconds of the procedure's scoring alone, of ``zoo evaluate``'s whole work
    (open the run, load the data, score), and the accuracy."""
    started = time.perf_counter()
    run = LoadedRun.open(run_dir, device="cpu")
    bundle = run.load_data()
    context = EvalContext(
        model=run.model,
        bundle=bundle,
        hparams=run.hparams,
        info=run.info,
        device=run.device,
        batch_size=max(int(run.hparams.get("batch_size", 64)), 256),
    )
    scoring = time.perf_counter()
    with torch.no_grad():
        metrics = run.procedure.evaluate(context, "test")
    finished = time.perf_counter()
    return finished - scoring, finished - started, metrics["accuracy"]


# -- the report --------------------------------------------------------------------


def _markdown(report: dict[str, Any]) -> str:
    machine, accuracy, speed = report["machine"], report["accuracy"], report["speed"]
    lines = [
        "# CNN benchmark",
        "",
        "Written by `benchmarks/cnn/run.py`; every figure comes from the run below.",
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu']}, {machine['logical_cores']} logical cores "
        f"({machine['usable_cores']} usable)",
        f"- torch {machine['torch']}, {machine['torch_threads']} thread(s)"
        + (" (forced with --threads)" if machine["threads_forced"] else " (default)"),
        f"- Python {machine['python']}; environment OMP_WAIT_POLICY="
        f"{machine['OMP_WAIT_POLICY']}, OMP_NUM_THREADS={machine['OMP_NUM_THREADS']}",
        f"- load average before / after: {machine['load_average_before']} / "
        f"{machine['load_average_after']} (the machine is shared, so wall times "
        "vary with other work)",
        "",
        f"## {report['model']} on {report['dataset']} (UCI train/test split)",
        "",
        f"Command: `{accuracy['command']}` with the default hyperparameters:",
        "",
        "`" + json.dumps(report["hparams"], sort_keys=True) + "`",
        "",
        "| seed | test accuracy | test errors (of 1,797) | wall s (whole process) "
        "| CPU s | epoch loop s |",
        "|---|---|---|---|---|---|",
    ]
    for run in accuracy["runs"]:
        lines.append(
            f"| {run['seed']} | {run['test_accuracy']:.4f} | {run['test_errors']} | "
            f"{run['wall_seconds']:.1f} | {run['cpu_seconds']:.1f} | "
            f"{run['epoch_seconds']:.1f} |"
        )
    lines += [
        "",
        f"- mean test accuracy {accuracy['mean_accuracy']:.4f}, min "
        f"{accuracy['min_accuracy']:.4f} (target {TARGET_ACCURACY:.2f}: "
        f"{_verdict(accuracy['accuracy_target_met'])} by every seed)",
        f"- slowest run {accuracy['max_wall_seconds']:.1f} s wall (target under "
        f"{TARGET_SECONDS:.0f} s: {_verdict(accuracy['time_target_met'])})",
        "",
        "## Zoo runtime against a plain PyTorch loop",
        "",
        "Same model, data (with the dataset's default augmentation), batch size and "
        f"optimizer; {speed['trials']} alternating "
        f"trials of {speed['epochs_per_trial']} epochs "
        f"({speed['train_images_per_trial']} training images each); medians.",
        "",
        "| what | images/s | zoo / plain |",
        "|---|---|---|",
    ]
    rates, ratios = speed["images_per_second"], speed["ratios_zoo_to_plain"]
    rows = [
        ("training, plain loop over tensors", "plain_train", None),
        ("training, zoo runtime epochs only", "zoo_train_epochs", "train_epochs"),
        (
            "training, zoo `train()` end to end (data, checkpoints, plot)",
            "zoo_train_end_to_end",
            "train_end_to_end",
        ),
        ("inference, plain loop", "plain_inference", None),
        ("inference, zoo procedure.evaluate", "zoo_inference", "inference"),
        (
            "inference, zoo evaluate end to end (open run, load data)",
            "zoo_evaluate_end_to_end",
            "evaluate_end_to_end",
        ),
    ]
    for label, key, ratio in rows:
        shown = f"{ratios[ratio]:.2f}" if ratio else "1"
        lines.append(f"| {label} | {rates[key]:.0f} | {shown} |")
    lines += [
        "",
        "Seconds per trial: `" + json.dumps(speed["seconds"]) + "`",
        "",
    ]
    return "\n".join(lines)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    main()
