"""Recommender benchmark: our models against Surprise and RecBole on identical splits.

Rating prediction follows Surprise's protocol: 5-fold cross-validation over all of
MovieLens 100K's ratings, random folds. Surprise's SVD and SVD++ (defaults) train on
exactly the folds our loader draws (split=kfold, same seed).

Item ranking follows RecBole's protocol: each user's interactions shuffled and cut
8:1:1, full ranking over the items the user has not seen, metrics at 10. Our loader
draws the split (split=per-user-811); it is written as RecBole "benchmark" atomic
files to a temporary folder so RecBole trains and tests on the very same rows.

Every training runs on one thread (as Surprise does), one after another. Training
seconds are measured around the fit: for our models from the runtime's
``zoo_on_fit_start`` hook to the last ``zoo_on_epoch_end`` (so per-epoch validation
and checkpoint writes count, as RecBole's per-epoch validation counts in its
``fit``); for Surprise around ``algo.fit``; for RecBole around ``Trainer.fit``.

Usage (the data is read from ZOO_DATA_DIR, which must hold ml-100k/)::

    ZOO_DATA_DIR=DIR .venv/bin/python benchmarks/recsys/run.py
    ZOO_DATA_DIR=DIR .venv/bin/python benchmarks/recsys/run.py --quick  # 1 fold

Or both parts side by side (faster on a multi-core machine), then one report::

    ZOO_DATA_DIR=DIR .venv/bin/python benchmarks/recsys/run.py --only rating &
    ZOO_DATA_DIR=DIR .venv/bin/python benchmarks/recsys/run.py --only ranking
    wait; .venv/bin/python benchmarks/recsys/run.py --merge

Peers: ``scikit-surprise`` in the project environment; RecBole 1.2.1 in
``benchmarks/.venvs/recbole`` (made by ``benchmarks/recsys/setup_recbole.sh``).
Results go to ``benchmarks/results/recsys.md`` and ``recsys.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("ZOO_LOAD_PLUGINS", "zoo-recsys")
os.environ["OMP_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402

from zoo_core import hookimpl  # noqa: E402
from zoo_core.api import load_dataset  # noqa: E402
from zoo_core.registry import get_registry  # noqa: E402
from zoo_core.runtime.evaluation import evaluate_run  # noqa: E402
from zoo_core.runtime.run import LoadedRun  # noqa: E402
from zoo_core.runtime.trainer import TrainRequest, train  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = REPO / "benchmarks" / "results"
RECBOLE_PYTHON = REPO / "benchmarks" / ".venvs" / "recbole" / "bin" / "python"
DATASET = "movielens-100k"

RATING_MODELS = ("recsys/mf", "recsys/mlp", "recsys/autorec", "recsys/autorec-mf")
RANKING_MODELS = ("recsys/ease", "recsys/bpr", "recsys/neumf")
RECBOLE_MODELS = ("BPR", "NeuMF")
RANKING_KEYS = ("ndcg@10", "recall@10", "hit@10", "mrr@10")


class FitTimer:
    """Hooks that time a run from its first epoch's start to its last epoch's end."""

    def __init__(self) -> None:
        self.started = 0.0
        self.finished = 0.0

    @hookimpl
    def zoo_on_fit_start(self, run_dir: Path, config: dict[str, Any]) -> None:
        self.started = self.finished = time.perf_counter()

    @hookimpl
    def zoo_on_epoch_end(
        self, run_dir: Path, epoch: int, metrics: dict[str, float]
    ) -> None:
        self.finished = time.perf_counter()

    @property
    def seconds(self) -> float:
        return self.finished - self.started


def main() -> None:
    args = _arguments()
    data_dir = os.environ.get("ZOO_DATA_DIR", "")
    has_data = bool(data_dir) and (Path(data_dir) / "ml-100k" / "u.data").exists()
    if not args.merge and not has_data:
        sys.exit(
            "Error: set ZOO_DATA_DIR to a data directory holding ml-100k/u.data "
            "(the GroupLens layout); the benchmark never copies the data"
        )
    name = "recsys-quick" if args.quick else "recsys"
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.merge:
        report = _merge(name)
    else:
        report = _run(args, data_dir)

    if args.only and not args.merge:
        (RESULTS / f"{name}-{args.only}.json").write_text(json.dumps(report, indent=2))
        return
    report["targets"] = _targets(report)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(_markdown(report))
    print(_markdown(report))


def _run(args: argparse.Namespace, data_dir: str) -> dict[str, Any]:
    torch.set_num_threads(1)
    timer = FitTimer()
    get_registry().manager.register(timer, name="benchmark-timer")

    report: dict[str, Any] = {
        "machine": _machine(),
        "seed": args.seed,
        "dataset": DATASET,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    with tempfile.TemporaryDirectory(prefix="zoo-recsys-bench-") as scratch:
        work = Path(scratch)
        if args.only in (None, "rating"):
            report["rating"] = _rating_benchmark(args, data_dir, work, timer)
        if args.only in (None, "ranking"):
            report["ranking"] = _ranking_benchmark(args, data_dir, work, timer)
    report["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    return report


def _merge(name: str) -> dict[str, Any]:
    """One report from the parts that ``--only rating`` and ``--only ranking`` wrote
    (run side by side, so they share the machine with each other)."""
    parts = [RESULTS / f"{name}-{part}.json" for part in ("rating", "ranking")]
    missing = [str(path) for path in parts if not path.exists()]
    if missing:
        sys.exit(f"Error: --merge needs {', '.join(missing)}; run --only first")
    rating, ranking = (json.loads(path.read_text()) for path in parts)
    return {
        **rating,
        "ranking": ranking["ranking"],
        "started": min(rating["started"], ranking["started"]),
        "finished": max(rating["finished"], ranking["finished"]),
        "note": "the rating and ranking parts ran at the same time, in two processes",
    }


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--quick", action="store_true", help="one fold, no SVD++, for a smoke check"
    )
    parser.add_argument("--skip-svdpp", action="store_true")
    parser.add_argument("--skip-recbole", action="store_true")
    parser.add_argument(
        "--only",
        choices=("rating", "ranking"),
        help="run one part and write recsys-PART.json, to run both parts at once",
    )
    parser.add_argument(
        "--merge", action="store_true", help="write the report from the two parts"
    )
    return parser.parse_args()


# -- rating prediction --------------------------------------------------------------


def _rating_benchmark(
    args: argparse.Namespace, data_dir: str, work: Path, timer: FitTimer
) -> dict[str, Any]:
    folds_run = 1 if args.quick else args.folds
    peers = ["surprise/SVD"] + (
        [] if args.quick or args.skip_svdpp else ["surprise/SVD++"]
    )
    results: dict[str, list[dict[str, float]]] = {
        name: [] for name in (*peers, *RATING_MODELS)
    }

    for fold in range(folds_run):
        options = {"split": "kfold", "folds": args.folds, "fold": fold}
        bundle = load_dataset(DATASET, data_dir=data_dir, seed=args.seed, **options)
        train_rows, test_rows = (
            _raw_triples(bundle, "train"),
            _raw_triples(bundle, "test"),
        )
        split_digest = _digest(test_rows)

        for peer in peers:
            results[peer].append(_surprise(peer, train_rows, test_rows, args.seed))
            _log(f"fold {fold} {peer}: {results[peer][-1]}")

        for model in RATING_MODELS:
            overrides = {f"data.{k}": v for k, v in options.items()}
            row = _ours(model, overrides, args.seed, data_dir, work, timer, "test")
            if row.pop("split_digest") != split_digest:
                raise SystemExit(f"{model} trained on another split than the peers")
            results[model].append(row)
            _log(f"fold {fold} {model}: {row}")

    return {
        "protocol": f"{args.folds}-fold cross-validation, random folds (seed "
        f"{args.seed}); folds run: {folds_run}",
        "per_fold": results,
        "summary": {name: _summarise(rows) for name, rows in results.items()},
    }


def _raw_triples(bundle: Any, split: str) -> np.ndarray:
    """``(user id, item id, rating)`` rows of a split, ids as in u.data."""
    data = bundle.split(split)
    catalog = data.catalog
    return np.stack(
        [
            catalog.user_ids[data.users.numpy()].astype(np.float64),
            catalog.item_ids[data.items.numpy()].astype(np.float64),
            data.ratings.numpy().astype(np.float64),
        ],
        axis=1,
    )


def _digest(rows: np.ndarray) -> str:
    ordered = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    return hashlib.sha256(np.ascontiguousarray(ordered).tobytes()).hexdigest()[:16]


def _surprise(
    name: str, train_rows: np.ndarray, test_rows: np.ndarray, seed: int
) -> dict[str, float]:
    import pandas as pd
    from surprise import SVD, Dataset, Reader, SVDpp

    frame = pd.DataFrame(train_rows, columns=["user", "item", "rating"])
    frame[["user", "item"]] = frame[["user", "item"]].astype(int)
    trainset = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5)))
    trainset = trainset.build_full_trainset()
    algorithm = (
        SVD(random_state=seed) if name == "surprise/SVD" else SVDpp(random_state=seed)
    )

    started = time.perf_counter()
    algorithm.fit(trainset)
    seconds = time.perf_counter() - started

    predicted = np.array(
        [algorithm.predict(int(u), int(i)).est for u, i, _ in test_rows]
    )
    error = predicted - test_rows[:, 2]
    return {
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mae": float(np.mean(np.abs(error))),
        "seconds": seconds,
    }


# -- item ranking -------------------------------------------------------------------


def _ranking_benchmark(
    args: argparse.Namespace, data_dir: str, work: Path, timer: FitTimer
) -> dict[str, Any]:
    bundle = load_dataset(
        DATASET, data_dir=data_dir, seed=args.seed, split="per-user-811"
    )
    split_digest = _digest(_raw_triples(bundle, "test"))
    results: dict[str, dict[str, Any]] = {}

    if not args.skip_recbole and RECBOLE_PYTHON.exists():
        atomic = work / "recbole"
        _write_atomic_files(bundle, atomic / "zoo-split")
        for model in RECBOLE_MODELS:
            results[f"recbole/{model}"] = _recbole(model, atomic, args.seed)
            _log(f"recbole {model}: {results[f'recbole/{model}']}")
    elif not args.skip_recbole:
        _log(f"RecBole skipped: {RECBOLE_PYTHON} not found (run setup_recbole.sh)")

    for model in RANKING_MODELS:
        overrides = {"data.split": "per-user-811"}
        row = _ours(model, overrides, args.seed, data_dir, work, timer, "test")
        if row.pop("split_digest") != split_digest:
            raise SystemExit(f"{model} trained on another split than the peers")
        results[model] = row
        _log(f"{model}: {row}")

    return {
        "protocol": f"per-user random 8:1:1 (seed {args.seed}), full ranking, "
        "train items left out (and valid items for test), top 10",
        "split_sizes": {name: len(split) for name, split in bundle.splits.items()},
        "results": results,
    }


def _write_atomic_files(bundle: Any, folder: Path) -> None:
    """The split as RecBole benchmark files ``zoo-split.{train,valid,test}.inter``."""
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "valid", "test"):
        rows = _raw_triples(bundle, split).astype(np.int64)
        lines = ["user_id:token\titem_id:token"]
        lines += [f"{user}\t{item}" for user, item, _ in rows.tolist()]
        (folder / f"zoo-split.{split}.inter").write_text("\n".join(lines) + "\n")


def _recbole(model: str, data_path: Path, seed: int) -> dict[str, Any]:
    environment = dict(os.environ, TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1")
    completed = subprocess.run(
        [
            str(RECBOLE_PYTHON),
            str(HERE / "recbole_peer.py"),
            str(data_path),
            "zoo-split",
            model,
            str(seed),
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=data_path,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise SystemExit(f"RecBole {model} failed:\n{completed.stderr[-3000:]}")
    outcome = json.loads(lines[-1])
    return {**outcome["metrics"], "seconds": outcome["seconds"], "info": outcome}


# -- our models ---------------------------------------------------------------------


def _ours(
    model: str,
    overrides: dict[str, Any],
    seed: int,
    data_dir: str,
    work: Path,
    timer: FitTimer,
    split: str,
) -> dict[str, Any]:
    out = work / f"{model.replace('/', '-')}-{len(list(work.iterdir()))}"
    result = train(
        TrainRequest(
            model=model,
            dataset=DATASET,
            overrides=overrides,
            seed=seed,
            out=out,
            data_dir=data_dir,
            device="cpu",
            progress=False,
        )
    )
    seconds = timer.seconds
    scores = evaluate_run(result.run_dir, split=split, device="cpu")
    scores = {k: v for k, v in scores.items() if isinstance(v, float)}
    run = LoadedRun.open(result.run_dir, device="cpu")
    digest = _digest(_raw_triples(run.load_data(), "test"))
    return {
        **scores,
        "seconds": seconds,
        "epochs": len(result.history),
        "split_digest": digest,
    }


# -- reporting ----------------------------------------------------------------------


def _summarise(rows: list[dict[str, float]]) -> dict[str, float]:
    summary: dict[str, float] = {}
    for key in ("rmse", "mae", "seconds"):
        values = [row[key] for row in rows]
        summary[key] = statistics.fmean(values)
        summary[f"{key}_sd"] = statistics.stdev(values) if len(values) > 1 else 0.0
    return summary


def _targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    rating = report.get("rating", {}).get("summary", {})
    if "recsys/mf" in rating and "surprise/SVD" in rating:
        mf, svd = rating["recsys/mf"], rating["surprise/SVD"]
        ratio = mf["seconds"] / svd["seconds"]
        targets.append(
            {
                "target": "recsys/mf RMSE <= 0.925",
                "measured": round(mf["rmse"], 4),
                "met": mf["rmse"] <= 0.925,
            }
        )
        targets.append(
            {
                "target": "recsys/mf training time <= 2x Surprise SVD's",
                "measured": f"{ratio:.2f}x ({mf['seconds']:.2f} s vs "
                f"{svd['seconds']:.2f} s per fold)",
                "met": ratio <= 2.0,
            }
        )
    ours = {k: v for k, v in rating.items() if k.startswith("recsys/")}
    if ours:
        best = min(ours, key=lambda k: ours[k]["rmse"])
        targets.append(
            {
                "target": "our best rating model RMSE <= 0.900",
                "measured": f"{best}: {ours[best]['rmse']:.4f}",
                "met": ours[best]["rmse"] <= 0.900,
            }
        )

    ranking = report.get("ranking", {}).get("results", {})
    peers = {k: v for k, v in ranking.items() if k.startswith("recbole/")}
    mine = {k: v for k, v in ranking.items() if k.startswith("recsys/")}
    if peers and mine:
        best_peer = max(peers, key=lambda k: peers[k]["ndcg@10"])
        best_mine = max(mine, key=lambda k: mine[k]["ndcg@10"])
        p, m = peers[best_peer], mine[best_mine]
        targets.append(
            {
                "target": "our best ranking model above RecBole's best on NDCG@10, "
                "in less training time",
                "measured": f"{best_mine} {m['ndcg@10']:.4f} in {m['seconds']:.1f} s "
                f"vs {best_peer} {p['ndcg@10']:.4f} in {p['seconds']:.1f} s",
                "met": m["ndcg@10"] > p["ndcg@10"] and m["seconds"] < p["seconds"],
            }
        )
    return targets


def _markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = [
        "# Recommender benchmark (MovieLens 100K)",
        "",
        f"Written by `benchmarks/recsys/run.py` on {report['finished']} "
        f"(seed {report['seed']}).",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores "
        f"(shared: load average {machine['load_average']} at the start), "
        f"Python {machine['python']}, torch {machine['torch']}, "
        f"scikit-surprise {machine['surprise']}, RecBole {machine['recbole']}. "
        "Every model trains on one thread.",
        "",
    ]
    if report.get("note"):
        lines += [f"Note: {report['note']}.", ""]

    rating = report.get("rating")
    if rating:
        svd_seconds = rating["summary"].get("surprise/SVD", {}).get("seconds")
        lines += [
            "## Rating prediction",
            "",
            f"Protocol: {rating['protocol']}. Mean (sd) over folds; training seconds "
            "per fold.",
            "",
            "| model | RMSE | MAE | training s | time / Surprise SVD |",
            "|---|---|---|---|---|",
        ]
        for name, s in sorted(rating["summary"].items(), key=lambda kv: kv[1]["rmse"]):
            ratio = f"{s['seconds'] / svd_seconds:.2f}x" if svd_seconds else "-"
            lines.append(
                f"| {name} | {s['rmse']:.4f} ({s['rmse_sd']:.4f}) | "
                f"{s['mae']:.4f} ({s['mae_sd']:.4f}) | {s['seconds']:.2f} | {ratio} |"
            )
        lines.append("")

    ranking = report.get("ranking")
    if ranking:
        lines += [
            "## Item ranking",
            "",
            f"Protocol: {ranking['protocol']}. Split sizes: {ranking['split_sizes']}. "
            "Test metrics; RecBole models with their default settings (early "
            "stopping on validation MRR@10), ours with their registered defaults.",
            "",
            "| model | NDCG@10 | Recall@10 | Hit@10 | MRR@10 | training s | epochs |",
            "|---|---|---|---|---|---|---|",
        ]
        results = ranking["results"]
        for name, r in sorted(results.items(), key=lambda kv: -kv[1]["ndcg@10"]):
            values = " | ".join(f"{r[key]:.4f}" for key in RANKING_KEYS)
            epochs = r.get("epochs") or r.get("info", {}).get("epochs") or "-"
            lines.append(f"| {name} | {values} | {r['seconds']:.1f} | {epochs} |")
        lines.append("")

    if report.get("targets"):
        lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
        for t in report["targets"]:
            lines.append(
                f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else 'no'} |"
            )
        lines.append("")
    return "\n".join(lines)


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import surprise

        surprise_version = surprise.__version__
    except ImportError:
        surprise_version = "not installed"
    recbole_version = "not installed"
    if RECBOLE_PYTHON.exists():
        completed = subprocess.run(
            [str(RECBOLE_PYTHON), "-c", "import recbole; print(recbole.__version__)"],
            capture_output=True,
            text=True,
            check=False,
        )
        recbole_version = completed.stdout.strip() or "broken"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "surprise": surprise_version,
        "recbole": recbole_version,
        "torch_threads": torch.get_num_threads(),
    }


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
