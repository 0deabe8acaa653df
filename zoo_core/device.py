"""Choosing the device a model runs on."""

from __future__ import annotations

import re
from typing import Any

from .errors import DeviceError

__all__ = ["available_devices", "resolve_device"]

_CHOICE = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


def available_devices() -> list[str]:
    """Device names usable on this machine, best first."""
    import torch

    devices = []
    if torch.cuda.is_available():
        devices += ["cuda"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        devices.append("mps")
    devices.append("cpu")
    return devices


def resolve_device(name: str = "auto") -> Any:
    """Turn ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps`` into a torch.device.

    ``auto`` picks CUDA, then MPS, then the CPU. A device this machine lacks raises
    DeviceError naming the ones it has.
    """
    import torch

    name = (name or "auto").strip().lower()
    if not _CHOICE.match(name):
        raise DeviceError(
            f"unknown device {name!r}; use auto, cpu, cuda, cuda:N or mps"
        )

    available = available_devices()
    if name == "auto":
        return torch.device(available[0])
    if name not in available:
        raise DeviceError(
            f"device {name} is not available here; available: {', '.join(available)}"
        )
    return torch.device(name)
