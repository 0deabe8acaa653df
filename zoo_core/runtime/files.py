"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "write_json", "write_text"]


def atomic_write(
    path: Path, write: Callable[[Path], None], durable: bool = False
) -> None:
    """Call ``write(temporary_path)``, then rename it over ``path``.

    The rename makes the write atomic for readers and safe against a killed
    process. ``durable`` also flushes the file to disk first, so it survives a power
    cut; that costs time, so per-epoch checkpoints skip it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    temp_path = Path(temporary)
    try:
        write(temp_path)
        if durable:
            with open(temp_path, "rb") as stream:
                os.fsync(stream.fileno())
        os.replace(temp_path, path)
    finally:
        if temp_path.exists():
            temp_path.unlink()


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
