"""A description of the machine a benchmark ran on, written beside its figures."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def describe_machine() -> dict[str, Any]:
    """CPU model, core count, memory, load, Python and torch versions, and the time."""
    import torch

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 2**20:.1f} GiB"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_results(name: str, document: dict[str, Any], table: str) -> Path:
    """Write ``results/NAME.json`` and a Markdown ``results/NAME.md``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    document = {"machine": describe_machine(), **document}
    (RESULTS / f"{name}.json").write_text(json.dumps(document, indent=2) + "\n")
    machine = document["machine"]
    lines = [
        f"# {name}",
        "",
        table.rstrip(),
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, "
        f"torch {machine['torch']} ({machine['torch_threads']} threads), "
        f"Python {machine['python']}; load average {machine['load_average']} at "
        f"{machine['when']}.",
        "",
    ]
    path = RESULTS / f"{name}.md"
    path.write_text("\n".join(lines))
    return path
