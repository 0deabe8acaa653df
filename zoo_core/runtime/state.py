"""Saving nested training state (optimizers, schedulers, RNGs) without pickle.

Tensors go into a safetensors file; everything around them (dicts, lists, numbers,
strings) goes into JSON. Loading a checkpoint therefore never runs code from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import CheckpointError
from .files import atomic_write

__all__ = ["load_state", "save_state"]


def save_state(state: Any, tensors_path: Path, skeleton_path: Path) -> None:
    """Write ``state`` as a safetensors file plus a JSON skeleton."""
    from safetensors.torch import save_file

    tensors: dict[str, Any] = {}
    skeleton = _flatten(state, tensors)
    atomic_write(tensors_path, lambda temp: save_file(tensors, str(temp)))
    atomic_write(
        skeleton_path,
        lambda temp: temp.write_text(json.dumps(skeleton), encoding="utf-8"),
    )


def load_state(tensors_path: Path, skeleton_path: Path) -> Any:
    """Read back what :func:`save_state` wrote; CheckpointError if it is damaged."""
    from safetensors.torch import load_file

    try:
        tensors = load_file(str(tensors_path))
        skeleton = json.loads(skeleton_path.read_text(encoding="utf-8"))
        return _unflatten(skeleton, tensors)
    except FileNotFoundError as exc:
        raise CheckpointError(f"checkpoint file missing: {exc.filename}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(
            f"checkpoint {tensors_path.parent} is damaged ({type(exc).__name__}: "
            f"{exc}); resume from an earlier run or train again"
        ) from None
    except Exception as exc:  # safetensors raises its own error type
        raise CheckpointError(
            f"checkpoint {tensors_path.parent} is damaged ({exc}); "
            "resume from an earlier run or train again"
        ) from None


def _flatten(value: Any, tensors: dict[str, Any]) -> Any:
    import numpy as np
    import torch

    if isinstance(value, torch.Tensor):
        name = f"t{len(tensors)}"
        tensors[name] = value.detach().cpu().contiguous().clone()
        return {"__tensor__": name}
    if isinstance(value, np.ndarray):
        name = f"t{len(tensors)}"
        tensors[name] = torch.from_numpy(np.ascontiguousarray(value).copy())
        return {"__ndarray__": name}
    if isinstance(value, dict):
        return {"__dict__": [[k, _flatten(v, tensors)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_flatten(v, tensors) for v in value]}
    if isinstance(value, list):
        return [_flatten(v, tensors) for v in value]
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in a checkpoint")


def _unflatten(value: Any, tensors: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_unflatten(v, tensors) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tensor__" in value:
        return tensors[value["__tensor__"]]
    if "__ndarray__" in value:
        return tensors[value["__ndarray__"]].numpy()
    if "__tuple__" in value:
        return tuple(_unflatten(v, tensors) for v in value["__tuple__"])
    if "__dict__" in value:
        return {k: _unflatten(v, tensors) for k, v in value["__dict__"]}
    raise TypeError(f"unknown entry in checkpoint skeleton: {sorted(value)}")
