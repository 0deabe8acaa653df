"""RNN benchmarks: JSB Chorales test NLL, and Tiny Shakespeare in ten minutes.

Run from the repository root, with the zoo-rnn plugin installed::

    .venv/bin/python benchmarks/rnn/run.py jsb --seeds 0 1 2
    .venv/bin/python benchmarks/rnn/run.py shakespeare --minutes 10 --amp --seeds 0 1 2

``jsb`` trains ``rnn/music-gru`` with its default hyperparameters on the JSB
Chorales (the 229/76/77 split of Boulanger-Lewandowski et al., 2012), keeps the
epoch with the lowest validation NLL, and scores the test split: NLL per time
step, summed over the 88 keys, in nats, every step of every chorale counted (the
first predicted from silence). Beside it, in the same run, it trains a plain
256-unit GRU (constant learning rate, no dropout, no DropConnect, no weight
average, early stopping only) as the baseline. Target: test NLL 8.3 or lower.

``shakespeare`` trains ``rnn/char-lstm`` on Tiny Shakespeare (first 90% of the
characters train, last 10% validate) for ``--minutes`` of wall-clock training
(the ``max_minutes`` hyperparameter; validation between epochs is not counted)
and scores the whole validation split, with the model's continuous cache (fitted
at the end of training, inside the budget, on training text) and, beside it, the
same networks without the cache. The load average is sampled during the run,
since the machine may be shared. Target: 1.40 nats per character or lower within
ten minutes on two CPU cores.

Both write their section of benchmarks/results/rnn.json and regenerate rnn.md,
so running one keeps the other's last figures. The data directory is
``--data-dir``, else ``ZOO_DATA_DIR``, else the repository's ``../shared/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import torch

from zoo_core.api import get_model_spec
from zoo_core.registry import Registry, use_registry
from zoo_core.runtime.evaluation import evaluate_run
from zoo_core.runtime.run import LoadedRun
from zoo_core.runtime.rundir import RunDirectory
from zoo_core.runtime.trainer import TrainRequest, train

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from machine import describe_machine  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
JSB_TARGET = 8.3
SHAKESPEARE_TARGET = 1.40
JSB_BASELINE = {
    "hidden_size": 256,
    "layers": 1,
    "dropout": 0.0,
    "input_dropout": 0.0,
    "weight_dropout": 0.0,
    "average_decay": 0.0,
    "weight_decay": 0.0,
    "lr": 2e-3,
    "batch_size": 16,
    "lr_schedule": "constant",
    "warmup_steps": 0,
    "epochs": 60,
}
#: published figures on the same split and metric (Chung et al., 2014, table 2)
JSB_PUBLISHED = {"GRU": 8.54, "LSTM": 8.67, "tanh RNN": 9.19}


class LoadSampler:
    """Samples the one-minute load average every ``every`` seconds in a thread."""

    def __init__(self, every: float = 15.0) -> None:
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(self.every)

    def summary(self) -> dict[str, float]:
        values = self.samples or [os.getloadavg()[0]]
        return {
            "min": round(min(values), 2),
            "mean": round(sum(values) / len(values), 2),
            "max": round(max(values), 2),
            "samples": len(values),
        }


# -- JSB Chorales -----------------------------------------------------------------


def run_jsb(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from zoo_rnn.music_task import rolls_nll

    rows = []
    configs = [("rnn/music-gru (defaults)", "rnn/music-gru", {})]
    if not args.no_baseline:
        configs.append(("plain GRU-256 baseline", "rnn/music-gru", JSB_BASELINE))
    for label, model, overrides in configs:
        for seed in args.seeds:
            out = work / f"jsb-{len(rows)}"
            started, cpu = time.perf_counter(), time.process_time()
            with LoadSampler() as load:
                result = train(
                    TrainRequest(
                        model=model,
                        dataset="jsb-chorales",
                        overrides=overrides,
                        seed=seed,
                        device="cpu",
                        data_dir=args.data_dir,
                        out=out,
                        progress=False,
                    )
                )
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            best = min(result.history, key=lambda row: row["valid_nll"])
            test = evaluate_run(out, "test", device="cpu", data_dir=args.data_dir)
            run = LoadedRun.open(out, device="cpu")
            bundle = run.load_data(args.data_dir)
            skip_first = rolls_nll(
                run.model, bundle.split("test").rolls, run.device, skip_first=True
            )
            rows.append(
                {
                    "label": label,
                    "model": model,
                    "seed": seed,
                    "overrides": overrides,
                    "best_epoch": best["epoch"],
                    "epochs": len(result.history),
                    "valid_nll": round(best["valid_nll"], 4),
                    "test_nll": round(test["nll"], 4),
                    "test_nll_given_first_step": round(skip_first, 4),
                    "wall_s": round(wall, 1),
                    "cpu_s": round(cpu, 1),
                    "load": load.summary(),
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    return {
        "hparams": get_model_spec("rnn/music-gru").defaults(),
        "target": JSB_TARGET,
        "published": JSB_PUBLISHED,
        "runs": rows,
    }


# -- Tiny Shakespeare -----------------------------------------------------------


def run_shakespeare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """One timed run per seed, one after another, on the same settings."""
    threads = max(1, (os.cpu_count() or 1) // args.processes)
    runs = [
        _shakespeare_run(args, work / f"seed{seed}", seed, threads)
        for seed in args.seeds
    ]
    return {
        "model": args.model,
        "processes": args.processes,
        "threads_per_process": threads,
        "amp": args.amp,
        "target": SHAKESPEARE_TARGET,
        "runs": runs,
    }


def _shakespeare_run(
    args: argparse.Namespace, out: Path, seed: int, threads: int
) -> dict[str, Any]:
    """One timed ``zoo train``, each process given ``threads`` torch threads."""
    overrides: dict[str, Any] = {"max_minutes": args.minutes}
    overrides.update(dict(pair.split("=", 1) for pair in args.set))
    command = _train_command(args, overrides, out, seed)
    env = dict(os.environ, ZOO_DATA_DIR=args.data_dir, OMP_NUM_THREADS=str(threads))
    started = time.perf_counter()
    with LoadSampler() as load:
        subprocess.run(command, check=True, env=env)
    wall = time.perf_counter() - started

    scores = evaluate_run(out, "valid", device="cpu", data_dir=args.data_dir)
    run = LoadedRun.open(out, device="cpu")
    members = _member_scores(run, args.data_dir)
    run_dir = RunDirectory(out)
    _, state = run_dir.load_checkpoint(run_dir.latest_checkpoint())
    config = json.loads((out / "config.json").read_text("utf-8"))
    hparams = config["hparams"]
    history = [
        json.loads(line)
        for line in (out / "metrics.jsonl").read_text("utf-8").splitlines()
    ]
    steps = int(state["step"])
    lanes = int(hparams["batch_size"]) * args.processes
    return {
        "seed": seed,
        # without --out: the run directory is a scratch folder
        "command": " ".join(command[command.index("train") : command.index("--out")]),
        "hparams": hparams,
        "valid_nll": round(scores["nll"], 4),
        "valid_nll_without_cache": round(
            scores.get("nll_without_cache", scores["nll"]), 4
        ),
        "cache": _fitted_cache(run.model),
        "member_valid_nll": members,
        "history": [
            {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
            for row in history
        ],
        "steps": steps,
        "characters_trained": steps * lanes * int(hparams["bptt"]),
        # the epochs' training alone, without validation and checkpoints
        "training_s": round(sum(row["train_seconds"] for row in history), 1),
        "wall_s": round(wall, 1),
        "load": load.summary(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(default)"),
    }


def _fitted_cache(model: Any) -> dict[str, Any]:
    """The window and fitted values of the model's cache; empty without one."""
    from zoo_rnn.cache import CachedCharModel

    if not isinstance(model, CachedCharModel):
        return {}
    return {
        "window": model.window,
        "scale": round(float(model.scale), 4),
        "weight": round(float(model.weight), 4),
    }


def _member_scores(run: LoadedRun, data_dir: str) -> list[float]:
    """Each ensemble member's validation NLL on its own, without the cache; empty
    for one network.

    Scored from the same run, so the ensemble's gain is measured side by side.
    """
    from zoo_rnn.cache import CachedCharModel
    from zoo_rnn.ensemble import CharEnsemble
    from zoo_rnn.text_task import stream_nll

    network = run.model
    if isinstance(network, CachedCharModel):
        network = network.network
    if not isinstance(network, CharEnsemble):
        return []
    ids = run.load_data(data_dir).split("valid").ids
    return [round(stream_nll(member, ids, run.device), 4) for member in network.members]


def _train_command(
    args: argparse.Namespace, overrides: dict[str, Any], out: Path, seed: int
) -> list[str]:
    """``zoo train`` on Tiny Shakespeare, under torchrun for several processes."""
    launcher = [sys.executable, "-m", "zoo_core"]
    if args.processes > 1:
        launcher = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node",
            str(args.processes),
            "-m",
            "zoo_core",
        ]
    settings = [part for k, v in overrides.items() for part in ("--set", f"{k}={v}")]
    return [
        *launcher,
        "train",
        args.model,
        "--dataset",
        "tinyshakespeare",
        *settings,
        "--seed",
        str(seed),
        "--device",
        "cpu",
        "--quiet",
        *(["--amp"] if args.amp else []),
        "--out",
        str(out),
    ]


# -- report -----------------------------------------------------------------------


def render(document: dict[str, Any]) -> str:
    lines = [
        "# RNN benchmarks",
        "",
        "Written by `benchmarks/rnn/run.py`; every figure comes from the runs below.",
        "",
    ]
    jsb = document.get("jsb")
    if jsb:
        lines += _render_jsb(jsb)
    text = document.get("shakespeare")
    if text:
        lines += _render_shakespeare(text)
    return "\n".join(lines) + "\n"


def _machine_line(machine: dict[str, Any]) -> str:
    return (
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, "
        f"torch {machine['torch']} ({machine['torch_threads']} threads), Python "
        f"{machine['python']}, {machine['when']}."
    )


def _render_jsb(jsb: dict[str, Any]) -> list[str]:
    lines = [
        "## JSB Chorales: test NLL per time step",
        "",
        "Command: `.venv/bin/python benchmarks/rnn/run.py jsb --seeds "
        + " ".join(str(s) for s in sorted({r["seed"] for r in jsb["runs"]}))
        + "`",
        "",
        "NLL in nats per time step, summed over the 88 keys, averaged over every "
        "step of every chorale (the first step predicted from silence); the "
        "weights are those of the epoch with the lowest validation NLL. The last "
        "column leaves each chorale's first step out, as some benchmark code does.",
        "",
        "| model | seed | best epoch / run | valid NLL | **test NLL** | test NLL "
        "given step 1 | wall s | CPU s | load (mean) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in jsb["runs"]:
        lines.append(
            f"| {row['label']} | {row['seed']} | {row['best_epoch']} / "
            f"{row['epochs']} | {row['valid_nll']:.3f} | **{row['test_nll']:.3f}** | "
            f"{row['test_nll_given_first_step']:.3f} | {row['wall_s']:.0f} | "
            f"{row['cpu_s']:.0f} | {row['load']['mean']} |"
        )
    lines += ["", _jsb_summary(jsb), ""]
    lines += [
        "Default hyperparameters of rnn/music-gru: `"
        + json.dumps(jsb["hparams"], sort_keys=True)
        + "`",
        "",
        "Baseline overrides: `" + json.dumps(JSB_BASELINE, sort_keys=True) + "`",
        "",
        "Published (Chung et al., 2014): "
        + ", ".join(f"{k} {v}" for k, v in jsb["published"].items())
        + ".",
        "",
        _machine_line(jsb["machine"]),
        "",
    ]
    return lines


def _jsb_summary(jsb: dict[str, Any]) -> str:
    by_label: dict[str, list[float]] = {}
    for row in jsb["runs"]:
        by_label.setdefault(row["label"], []).append(row["test_nll"])
    parts = []
    for label, values in by_label.items():
        mean = sum(values) / len(values)
        parts.append(
            f"{label}: mean test NLL {mean:.3f} over {len(values)} seed(s), worst "
            f"{max(values):.3f}"
        )
    defaults = by_label.get("rnn/music-gru (defaults)", [])
    baseline = by_label.get("plain GRU-256 baseline", [])
    verdict = ""
    if defaults:
        met = max(defaults) <= jsb["target"]
        verdict = (
            f" Target {jsb['target']}: {'met' if met else 'NOT met'} by every seed."
            if met
            else f" Target {jsb['target']}: NOT met by every seed."
        )
    if defaults and baseline:
        ratio = (sum(defaults) / len(defaults)) / (sum(baseline) / len(baseline))
        verdict += f" Defaults / baseline NLL ratio: {ratio:.3f}."
    return "; ".join(parts) + "." + verdict


def _render_shakespeare(text: dict[str, Any]) -> list[str]:
    runs = text["runs"]
    first = runs[0]
    settings = " ".join(
        f"--set {k}={v}" for k, v in text.get("command_sets", {}).items()
    )
    seeds = " ".join(str(run["seed"]) for run in runs)
    command = (
        "Command: `.venv/bin/python benchmarks/rnn/run.py shakespeare --minutes "
        f"{first['hparams']['max_minutes']:g} --model {text['model']} "
        f"--processes {text['processes']} --seeds {seeds}"
        + (" --amp" if text.get("amp") else "")
        + f" {settings}"
    ).rstrip()
    members = len(first.get("member_valid_nll") or [])
    lines = [
        "## Tiny Shakespeare: validation NLL after a wall-clock budget",
        "",
        command
        + "`, which runs `zoo "
        + first["command"].replace(f"--seed {first['seed']}", "--seed SEED")
        + "`"
        + (" under torchrun" if text["processes"] > 1 else "")
        + " for each seed, one after another.",
        "",
        "Validation NLL in nats per character over the whole validation split (the "
        "last 10%, 111,540 characters), after "
        f"{first['hparams']['max_minutes']:g} minutes of training (validation "
        f"between epochs not counted); {text['processes']} training process(es) of "
        f"{text.get('threads_per_process', 1)} thread(s)"
        + (", bf16 autocast" if text.get("amp") else ", float32")
        + (
            f". The model is an ensemble of {members}; the members column scores "
            "each member alone, without the cache, from the same run."
            if members
            else "."
        )
        + (
            " The continuous cache's scale and weight were fitted at the end of "
            "training on the last 32,768 training characters, within the time "
            "budget; the column beside the headline scores the same networks "
            "without it."
            if first.get("cache")
            else ""
        ),
        "",
        "| seed | **valid NLL** | without the cache | cache scale, weight "
        "| members alone | characters trained"
        + (" per member" if members else "")
        + " | steps | training s | wall s | load (mean) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        alone = ", ".join(f"{v:.4f}" for v in run.get("member_valid_nll") or [])
        cache = run.get("cache") or {}
        fitted = f"{cache['scale']:g}, {cache['weight']:g}" if cache else "-"
        static = run.get("valid_nll_without_cache", run["valid_nll"])
        lines.append(
            f"| {run['seed']} | **{run['valid_nll']:.4f}** | {static:.4f} | "
            f"{fitted} | {alone or '-'} | "
            f"{run['characters_trained'] / 1e6:.2f}M | {run['steps']} | "
            f"{run['training_s']:.0f} | {run['wall_s']:.0f} | {run['load']['mean']} |"
        )

    worst = max(run["valid_nll"] for run in runs)
    met = worst <= text["target"]
    summary = (
        f"Target {text['target']}: "
        + ("met by every seed" if met else "NOT met by every seed")
        + f" (worst {worst:.4f})."
    )
    if first.get("cache"):
        without = [run["valid_nll_without_cache"] for run in runs]
        summary += (
            f" Without the cache: worst {max(without):.4f}; with / without NLL "
            "ratio: "
            + ", ".join(
                f"{run['valid_nll'] / run['valid_nll_without_cache']:.3f}"
                for run in runs
            )
            + "."
        )
    if members:
        ratios = [
            run.get("valid_nll_without_cache", run["valid_nll"])
            / min(run["member_valid_nll"])
            for run in runs
        ]
        summary += (
            " Ensemble / best member NLL ratio (no cache): "
            + ", ".join(f"{ratio:.3f}" for ratio in ratios)
            + "."
        )
    lines += ["", summary, ""]
    for run in runs:
        lines.append(
            f"Seed {run['seed']}, per epoch (validation NLL, training seconds): "
            + ", ".join(
                f"{row['epoch']}: {row['valid_nll']:.3f}"
                + (
                    f" ({row['valid_nll_without_cache']:.3f} without the cache)"
                    if "valid_nll_without_cache" in row
                    else ""
                )
                + f" ({row['train_seconds']:.0f} s)"
                for row in run["history"]
            )
        )
        lines.append("")
    lines += [
        "Hyperparameters: `" + json.dumps(first["hparams"], sort_keys=True) + "`",
        "",
        f"OMP_WAIT_POLICY {first['omp_wait_policy']}.",
        "",
        _machine_line(text["machine"]),
        "",
    ]
    return lines


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--threads", type=int, default=0, help="torch threads")
    commands = parser.add_subparsers(dest="command", required=True)

    jsb = commands.add_parser("jsb", help="JSB Chorales test NLL")
    jsb.add_argument("--seeds", type=int, nargs="+", default=[0])
    jsb.add_argument("--no-baseline", action="store_true")

    text = commands.add_parser("shakespeare", help="Tiny Shakespeare in N minutes")
    text.add_argument("--minutes", type=float, default=10.0)
    text.add_argument("--model", default="rnn/char-lstm")
    text.add_argument("--seeds", type=int, nargs="+", default=[0])
    text.add_argument(
        "--processes",
        type=int,
        default=1,
        help="training processes under torchrun (1: one process using every core "
        "through torch's threads, no torchrun)",
    )
    text.add_argument(
        "--amp",
        action="store_true",
        help="bf16 autocast (zoo train --amp), on CPUs with bf16 instructions",
    )
    text.add_argument(
        "--set", action="append", default=[], help="extra KEY=VALUE overrides"
    )
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    if args.threads:
        torch.set_num_threads(args.threads)
    args.data_dir = (
        args.data_dir
        or os.environ.get("ZOO_DATA_DIR")
        or str(REPO.parent / "shared" / "data")
    )
    registry = Registry.from_plugins(load_entry_points=True, only={"zoo-rnn"})
    path = RESULTS / "rnn.json"
    document = json.loads(path.read_text()) if path.exists() else {}

    with use_registry(registry), tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        os.environ["ZOO_CACHE_DIR"] = str(work / "cache")
        machine = describe_machine()
        if args.command == "jsb":
            section = run_jsb(args, work)
        else:
            section = run_shakespeare(args, work)
            section["command_sets"] = dict(pair.split("=", 1) for pair in args.set)
        machine["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        section["machine"] = machine

    document[args.command] = section
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    (RESULTS / "rnn.md").write_text(render(document))
    print(render(document))


if __name__ == "__main__":
    main()
