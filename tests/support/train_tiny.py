"""Runs ``zoo train`` on the tiny test plugin in a child process.

Used by the resume and distributed tests: ``python train_tiny.py OUT [--resume]
[--kill-at-step N] [--set KEY=VALUE]...``. With ``--kill-at-step`` the process
sends itself SIGKILL in the middle of that training step, as a crash would.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from zoo_tiny import plugin  # noqa: E402

from zoo_core.registry import Registry, use_registry  # noqa: E402
from zoo_core.runtime.trainer import TrainRequest, train  # noqa: E402
from zoo_core.specs import parse_overrides  # noqa: E402
from zoo_core.tasks.classification import ClassificationProcedure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--kill-at-step", type=int)
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args()

    if args.kill_at_step is not None:
        original = ClassificationProcedure.training_step

        def crashing_step(self, step, batch):
            if step.step == args.kill_at_step:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, step, batch)

        ClassificationProcedure.training_step = crashing_step

    with use_registry(Registry.from_plugins(("zoo-tiny", plugin))):
        request = TrainRequest(
            model=None if args.resume else "tiny/mlp",
            overrides=parse_overrides(args.set),
            out=None if args.resume else args.out,
            resume=args.out if args.resume else None,
            device="cpu",
            progress=False,
        )
        result = train(request)
    print(result.run_dir)


if __name__ == "__main__":
    main()
