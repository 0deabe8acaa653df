"""Training on several processes started by ``torchrun``.

``torchrun --nproc-per-node N -m zoo_core train ...`` sets ``WORLD_SIZE``, ``RANK``
and ``LOCAL_RANK``; each process then joins one process group (gloo on the CPU,
nccl on CUDA), trains on its shard of every epoch and averages gradients through
DistributedDataParallel. Only rank 0 writes the run directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

__all__ = ["Distributed", "setup_distributed"]


@dataclass
class Distributed:
    """Where this process stands among the processes training together."""

    world_size: int = 1
    rank: int = 0
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def mean(self, values: dict[str, float]) -> dict[str, float]:
        """Average each value over all processes (no-op on one process)."""
        if not self.enabled or not values:
            return values
        import torch
        import torch.distributed as dist

        keys = sorted(values)
        tensor = torch.tensor([float(values[k]) for k in keys], dtype=torch.float64)
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return {k: float(v) / self.world_size for k, v in zip(keys, tensor.tolist())}

    def barrier(self) -> None:
        if self.enabled:
            import torch.distributed as dist

            dist.barrier()

    def wrap(self, model: Any, device: Any) -> Any:
        """Wrap ``model`` in DistributedDataParallel when several processes train."""
        if not self.enabled:
            return model
        from torch.nn.parallel import DistributedDataParallel

        if device.type == "cuda":
            return DistributedDataParallel(model, device_ids=[device.index])
        return DistributedDataParallel(model)

    def close(self) -> None:
        if self.enabled:
            import torch.distributed as dist

            if dist.is_initialized():
                dist.destroy_process_group()


def setup_distributed(device_name: str) -> tuple[Distributed, str]:
    """Join the process group if ``torchrun`` started us; returns the device to use.

    On CUDA each process takes the GPU of its local rank.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return Distributed(), device_name

    import torch
    import torch.distributed as dist

    info = Distributed(
        world_size=world_size,
        rank=int(os.environ.get("RANK", "0")),
        local_rank=int(os.environ.get("LOCAL_RANK", "0")),
    )
    wants_cuda = device_name.startswith("cuda") or (
        device_name == "auto" and torch.cuda.is_available()
    )
    if wants_cuda:
        device_name = f"cuda:{info.local_rank}"
        torch.cuda.set_device(info.local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if wants_cuda else "gloo")
    return info, device_name
