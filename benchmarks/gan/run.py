"""GAN benchmark: sample quality and training stability of gan/dcgan and gan/cgan on
optdigits, with the ModelSpecs' default hyperparameters.

Run from the repository root, with the zoo-cnn and zoo-gan plugins installed::

    .venv/bin/python benchmarks/gan/run.py                 # about an hour on 2 cores
    .venv/bin/python benchmarks/gan/run.py --seeds 0 --threads 1

1. Trains ``cnn/lenet5`` on optdigits (its defaults, seed 0): the judge whose
   penultimate-layer features define the Fréchet distance (``fcd``).
2. Measures the ``fcd`` between the real train and test sets in that feature space:
   the yardstick. The target is a generated-vs-test ``fcd`` within three times it.
3. Trains each GAN once per seed through the zoo runtime, on the images as they
   are (``data.augment=none``: zoo-cnn distorts optdigits' train split by
   default), and scores the test split with ``zoo evaluate`` (``fcd``,
   ``class_accuracy``, ``class_entropy``, ``min_class_share``), and keeps the
   per-epoch losses and the histogram of the classes the judge sees in the
   generated images: a run that collapsed onto a few modes shows a low entropy and
   an empty class.

Results go to benchmarks/results/gan.md and gan.json, with the machine they ran on,
and the last epoch's sample grid of each model's first seed to
benchmarks/results/gan-<model>.png.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

from machine import RESULTS, write_results  # noqa: E402
from zoo_gan.frechet import FeatureStats, frechet_distance  # noqa: E402
from zoo_gan.judge import Judge, batched  # noqa: E402
from zoo_gan.procedure import stack_split  # noqa: E402
from zoo_gan.scoring import score_generator  # noqa: E402

from zoo_core.api import get_model_spec, load_dataset  # noqa: E402
from zoo_core.registry import Registry, use_registry  # noqa: E402
from zoo_core.runtime.evaluation import evaluate_run  # noqa: E402
from zoo_core.runtime.run import LoadedRun  # noqa: E402
from zoo_core.runtime.trainer import TrainRequest, train  # noqa: E402

DATASET = "optdigits"
#: the GANs learn the images as they are: zoo-cnn's optdigits distorts its train
#: split with random affine transforms unless told not to
DATA_OPTIONS = {"augment": "none"}
JUDGE = "cnn/lenet5"
MODELS = ("gan/dcgan", "gan/cgan")
#: targets: fcd within this multiple of the real train-vs-test fcd ...
FCD_FACTOR = 3.0
#: ... class_accuracy of the conditional model at least this ...
CLASS_ACCURACY = 0.90
#: ... and no collapse: every class gets at least this share of the samples
MIN_CLASS_SHARE = 0.02


def main() -> None:
    args = _arguments()
    if args.threads:
        torch.set_num_threads(args.threads)
    registry = Registry.from_plugins(
        load_entry_points=True, only={"zoo-cnn", "zoo-gan"}
    )

    with use_registry(registry), tempfile.TemporaryDirectory() as scratch:
        work = Path(args.work or scratch)
        os.environ["ZOO_CACHE_DIR"] = str(work / "cache")
        started = time.perf_counter()
        judge_run, judge_accuracy = _train_judge(work, args.device)
        reference = _reference_fcd(judge_run, args.device)
        runs = [
            _gan_run(model, seed, judge_run, work, args)
            for seed in args.seeds
            for model in MODELS
        ]
        hparams = {model: get_model_spec(model).defaults() for model in MODELS}
        minutes = (time.perf_counter() - started) / 60

    document = {
        "dataset": DATASET,
        "judge": {"model": JUDGE, "test_accuracy": judge_accuracy},
        "reference_fcd_train_vs_test": reference,
        "targets": {
            "fcd_at_most": FCD_FACTOR * reference,
            "cgan_class_accuracy_at_least": CLASS_ACCURACY,
            "min_class_share_at_least": MIN_CLASS_SHARE,
        },
        "hparams": hparams,
        "threads_forced": args.threads or None,
        "device": args.device,
        "total_minutes": round(minutes, 1),
        "runs": runs,
    }
    path = write_results("gan", document, _markdown(document))
    print(path.read_text())


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch threads; 0 keeps torch's default"
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=0,
        help="override the GANs' epochs (0: the ModelSpec default, as reported)",
    )
    parser.add_argument(
        "--work", help="keep the run directories here instead of a temporary folder"
    )
    return parser.parse_args()


# -- the judge and the yardstick -------------------------------------------------


def _train_judge(work: Path, device: str) -> tuple[Path, float]:
    out = work / "judge-lenet5"
    if not (out / "weights.safetensors").exists():
        shutil.rmtree(out, ignore_errors=True)
        train(
            TrainRequest(
                model=JUDGE,
                dataset=DATASET,
                seed=0,
                device=device,
                out=out,
                progress=False,
            )
        )
    accuracy = evaluate_run(out, "test", device=device)["accuracy"]
    return out, accuracy


def _reference_fcd(judge_run: Path, device: str) -> float:
    """The fcd between the real (not augmented) train and test splits, through the
    judge."""
    bundle = load_dataset(DATASET, **DATA_OPTIONS)
    judge = Judge.open(judge_run, device)
    train_images, _ = stack_split(bundle.split("train"), "train")
    test_images, _ = stack_split(bundle.split("test"), "test")
    seen_train = judge.judge(batched(train_images, 512), bundle.info)
    seen_test = judge.judge(batched(test_images, 512), bundle.info)
    return frechet_distance(
        FeatureStats.of(seen_train.features), FeatureStats.of(seen_test.features)
    )


# -- one GAN run ---------------------------------------------------------------------


def _gan_run(
    model: str, seed: int, judge_run: Path, work: Path, args: argparse.Namespace
) -> dict[str, Any]:
    out = work / f"{model.replace('/', '-')}-seed{seed}"
    shutil.rmtree(out, ignore_errors=True)
    overrides: dict[str, Any] = {
        "classifier": str(judge_run),
        **{f"data.{name}": value for name, value in DATA_OPTIONS.items()},
    }
    if args.epochs:
        overrides["epochs"] = args.epochs

    started = time.perf_counter()
    result = train(
        TrainRequest(
            model=model,
            dataset=DATASET,
            overrides=overrides,
            seed=seed,
            device=args.device,
            out=out,
            progress=False,
        )
    )
    seconds = time.perf_counter() - started
    metrics = evaluate_run(out, "test", device=args.device)
    if Path(metrics["classifier"]) != judge_run:
        raise RuntimeError(
            f"{out} was scored by {metrics['classifier']}, not {judge_run}"
        )
    shares, last_weights_fcd = _class_shares(out, judge_run, args.device)

    grids = sorted((out / "samples").glob("epoch-*.png"))
    if grids and seed == args.seeds[0]:
        shutil.copyfile(grids[-1], RESULTS / f"gan-{model.split('/')[1]}.png")
    losses = [
        {
            "epoch": row["epoch"],
            "d_loss": row["train_d_loss"],
            "g_loss": row["train_g_loss"],
            "d_real": row["train_d_real"],
            "d_fake": row["train_d_fake"],
            "seconds": row["seconds"],
        }
        for row in result.history
    ]
    return {
        "model": model,
        "seed": seed,
        "epochs": len(result.history),
        "train_seconds": round(seconds, 1),
        # the judge, named once for the whole document, lives in a scratch folder
        "metrics": {
            k: v for k, v in metrics.items() if k not in ("split", "classifier")
        },
        "fcd_of_last_weights": last_weights_fcd,
        "class_shares": [round(share, 4) for share in shares],
        "losses": losses,
    }


def _class_shares(
    run_dir: Path, judge_run: Path, device: str
) -> tuple[list[float], float]:
    """The judge's class histogram of the generated sample that ``zoo evaluate``
    scores, and the fcd of samples from the generator's last weights instead of
    their moving average."""
    run = LoadedRun.open(run_dir, device=device)
    bundle = run.load_data()
    real, labels = stack_split(bundle.split("test"), "test")
    judge = Judge.open(judge_run, device)
    scores = score_generator(run.model, real, labels, judge, run.info, device=device)

    run.model.average = None  # sample from the last weights
    last = score_generator(run.model, real, labels, judge, run.info, device=device)
    return [float(share) for share in scores.class_shares], last.fcd


# -- the report ----------------------------------------------------------------------


def _markdown(doc: dict[str, Any]) -> str:
    reference = doc["reference_fcd_train_vs_test"]
    limit = doc["targets"]["fcd_at_most"]
    lines = [
        f"GANs on {doc['dataset']} (`data.augment=none`) with the ModelSpecs' "
        "default hyperparameters, scored on the test split. Judge: "
        f"`{doc['judge']['model']}` (its defaults, seed 0), test accuracy "
        f"{doc['judge']['test_accuracy']:.4f}. Total {doc['total_minutes']} min on "
        f"{doc['device']}.",
        "",
        f"Yardstick: `fcd` between the real train and test sets = **{reference:.3f}**;"
        f" target `fcd` <= {FCD_FACTOR:g} x that = {limit:.3f}. "
        f"Targets also: `gan/cgan` `class_accuracy` >= {CLASS_ACCURACY:.0%}, and no "
        f"mode collapse: every class >= {MIN_CLASS_SHARE:.0%} of the samples "
        "(an even spread gives 10%).",
        "",
        "| model | seed | epochs | train s | fcd | fcd / yardstick | class_accuracy "
        "| class_entropy | min_class_share | targets | fcd, last weights |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in doc["runs"]:
        m = run["metrics"]
        accuracy = m.get("class_accuracy")
        passed = (
            m["fcd"] <= limit
            and m["min_class_share"] >= MIN_CLASS_SHARE
            and (accuracy is None or accuracy >= CLASS_ACCURACY)
        )
        lines.append(
            f"| {run['model']} | {run['seed']} | {run['epochs']} | "
            f"{run['train_seconds']:.0f} | {m['fcd']:.3f} | "
            f"{m['fcd'] / reference:.2f} | "
            f"{'-' if accuracy is None else f'{accuracy:.4f}'} | "
            f"{m['class_entropy']:.4f} | {m['min_class_share']:.4f} | "
            f"{'met' if passed else 'MISSED'} | {run['fcd_of_last_weights']:.3f} |"
        )

    lines += [
        "",
        "`fcd` and the other metrics are those of `zoo evaluate`, which samples from "
        "the moving average of the generator's weights (`average_decay`); the last "
        "column scores the same run's last generator weights instead.",
        "",
        "## Classes the judge sees in the generated images (share of samples)",
        "",
        "| model | seed | " + " | ".join(str(c) for c in range(10)) + " |",
        "|---|---|" + "---|" * 10,
    ]
    for run in doc["runs"]:
        shares = " | ".join(f"{s:.3f}" for s in run["class_shares"])
        lines.append(f"| {run['model']} | {run['seed']} | {shares} |")

    lines += ["", "## Losses per epoch (training means)", ""]
    for run in doc["runs"]:
        lines += [
            f"### {run['model']}, seed {run['seed']}",
            "",
            "| epoch | d_loss | g_loss | D(real) | D(fake) | s |",
            "|---|---|---|---|---|---|",
        ]
        for row in run["losses"]:
            lines.append(
                f"| {row['epoch']} | {row['d_loss']:.4f} | {row['g_loss']:.4f} | "
                f"{row['d_real']:.3f} | {row['d_fake']:.3f} | {row['seconds']:.1f} |"
            )
        lines.append("")

    finite = all(
        math.isfinite(row["d_loss"]) and math.isfinite(row["g_loss"])
        for run in doc["runs"]
        for row in run["losses"]
    )
    lines.append("Every loss stayed finite." if finite else "Some loss was not finite.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
