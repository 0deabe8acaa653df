"""Runs every benchmark one after another; each writes its figures and the machine
it ran on under benchmarks/results/.

Run: .venv/bin/python benchmarks/run_all.py [NAME...]   (NAME: listing, trainer,
cnn, recsys, rnn-jsb, rnn-shakespeare, gan; all when none is given)

The recommender, RNN and GAN benchmarks read real datasets from ZOO_DATA_DIR.
Run them on an otherwise idle machine: they report wall-clock figures.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS = {
    "listing": [HERE / "listing.py"],
    "trainer": [HERE / "trainer_overhead.py"],
    "cnn": [HERE / "cnn" / "run.py"],
    "recsys": [HERE / "recsys" / "run.py"],
    "rnn-jsb": [HERE / "rnn" / "run.py", "jsb", "--seeds", "0", "1", "2"],
    "rnn-shakespeare": [
        HERE / "rnn" / "run.py",
        "shakespeare",
        "--amp",
        "--seeds",
        "0",
        "1",
        "2",
    ],
    "gan": [HERE / "gan" / "run.py"],
}


def main() -> None:
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        sys.exit(
            f"unknown benchmark {', '.join(unknown)}; choose from {list(BENCHMARKS)}"
        )

    failed = []
    for name in names:
        started = time.perf_counter()
        print(f"==> {name}", file=sys.stderr, flush=True)
        command = [sys.executable, *map(str, BENCHMARKS[name])]
        if subprocess.run(command).returncode != 0:
            failed.append(name)
        print(f"<== {name}: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
