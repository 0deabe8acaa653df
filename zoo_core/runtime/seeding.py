"""Seeds and random-number-generator state, so a seeded CPU run repeats bit for bit."""

from __future__ import annotations

import random
from typing import Any

__all__ = ["capture_rng", "restore_rng", "seed_everything"]


def seed_everything(seed: int, deterministic_kernels: bool = False) -> None:
    """Seed Python, NumPy and torch.

    CPU kernels are deterministic already; ``deterministic_kernels`` also asks
    torch for deterministic GPU kernels, which costs speed and start-up time.
    """
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if deterministic_kernels:
        torch.use_deterministic_algorithms(True, warn_only=True)


def capture_rng() -> dict[str, Any]:
    """The state of every generator, for a checkpoint."""
    import numpy as np
    import torch

    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict[str, Any]) -> None:
    """Put every generator back where :func:`capture_rng` found it."""
    import numpy as np
    import torch

    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, position, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys, position, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
