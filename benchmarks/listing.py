"""How long `zoo models --json` takes next to `python -c "import torch"`.

Listing must stay light however many plugins are installed: the target is a ratio of
0.2 or less. Both commands run alternately in one run, several times each, and
the medians are compared.

Run: .venv/bin/python benchmarks/listing.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import write_results  # noqa: E402

TARGET = 0.2


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    env = dict(os.environ)
    env.pop("ZOO_LOAD_PLUGINS", None)
    zoo = shutil.which("zoo", path=str(Path(sys.executable).parent)) or "zoo"
    listing = [zoo, "models", "--json"]
    importing = [sys.executable, "-c", "import torch"]

    models = json.loads(
        subprocess.run(listing, check=True, capture_output=True, env=env).stdout
    )
    timed(importing, env)  # warm the file cache for both before measuring
    list_times, import_times = [], []
    for _ in range(args.repeats):
        list_times.append(timed(listing, env))
        import_times.append(timed(importing, env))

    list_median = statistics.median(list_times)
    import_median = statistics.median(import_times)
    ratio = list_median / import_median
    verdict = "meets" if ratio <= TARGET else "misses"
    table = (
        "| command | median seconds | runs |\n|---|---|---|\n"
        f"| `zoo models --json` ({len(models)} models) | {list_median:.3f} | "
        f"{args.repeats} |\n"
        f'| `python -c "import torch"` | {import_median:.3f} | {args.repeats} |\n\n'
        f"Ratio: **{ratio:.3f}** ({verdict} the target of {TARGET} or less)."
    )
    path = write_results(
        "listing",
        {
            "models": len(models),
            "listing_seconds": list_times,
            "import_torch_seconds": import_times,
            "ratio": ratio,
            "target": TARGET,
        },
        table,
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
