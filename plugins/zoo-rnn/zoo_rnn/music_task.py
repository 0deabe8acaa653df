"""The ``music-generation`` task: polyphonic piano rolls, one Bernoulli per key.

At every time step the model gives each of the 88 keys its own probability of
sounding, given all earlier steps (the output convention of the polyphonic-music
benchmark of Boulanger-Lewandowski et al., 2012). ``nll`` is the binary
cross-entropy summed over the 88 keys of a step, averaged over every step of
every piece, in nats; the first step of a piece is predicted from silence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from zoo_core.errors import DataError
from zoo_core.formats import read_midi_piano_roll, write_midi
from zoo_core.tasks.base import EvalContext, GenerateRequest, Procedure, StepContext

from .batching import pad_rolls, transpose_roll
from .music_data import KEYS, PianoRolls
from .sampling import check_temperature, make_generator, one_thread, sample_frame
from .schedule import lr_factor, set_learning_rate

__all__ = ["MusicGenerationProcedure", "RollBatcher", "rolls_nll"]

DEFAULT_STEPS = 64
DEFAULT_FILE = "generated.mid"


class RollBatcher:
    """Collates pieces into padded batches, transposing each at random.

    Args:
        max_shift: largest transposition in semitones, up or down; each piece is
            moved by a shift drawn uniformly among those that keep all its notes
            on the keyboard. 0 turns it off.
    """

    def __init__(self, max_shift: int = 0) -> None:
        self.max_shift = max_shift

    def __call__(
        self, rolls: Sequence[torch.Tensor]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if self.max_shift > 0:
            rolls = [transpose_roll(roll, self._shift(roll)) for roll in rolls]
        return pad_rolls(rolls)

    def _shift(self, roll: torch.Tensor) -> int:
        keys = torch.nonzero(roll.any(dim=0)).flatten()
        if keys.numel() == 0:
            return 0
        low = max(-self.max_shift, -int(keys.min()))
        high = min(self.max_shift, roll.shape[1] - 1 - int(keys.max()))
        return int(torch.randint(low, high + 1, ()))


class MusicGenerationProcedure(Procedure):
    """Next-step prediction of piano rolls; pieces are padded and masked per batch."""

    metrics = ("nll",)
    monitor = "nll"
    monitor_mode = "min"
    eval_split = "test"

    def __init__(self) -> None:
        self._steps_per_epoch = 1

    # -- training -----------------------------------------------------------------

    def configure_optimizers(
        self, model: torch.nn.Module, hparams: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "main": torch.optim.AdamW(
                model.parameters(),
                lr=hparams["lr"],
                weight_decay=hparams.get("weight_decay") or 0.0,
            )
        }

    def train_batches(
        self, dataset: PianoRolls, hparams: dict[str, Any], sampler: Any, info: dict
    ) -> Any:
        from torch.utils.data import DataLoader

        batch_size = int(hparams["batch_size"])
        self._steps_per_epoch = max(1, -(-len(dataset) // batch_size))
        return DataLoader(
            dataset,
            batch_size=batch_size,
            sampler=sampler,
            collate_fn=RollBatcher(int(hparams.get("transpose") or 0)),
        )

    def training_step(
        self, step: StepContext, batch: tuple[torch.Tensor, ...]
    ) -> dict[str, float]:
        inputs, targets, mask = batch
        hparams = step.hparams
        with step.autocast():
            logits, _ = step.model(inputs)
            loss = masked_step_nll(logits.float(), targets, mask)

        progress = step.step / (int(hparams["epochs"]) * self._steps_per_epoch)
        factor = lr_factor(
            progress,
            step.step,
            hparams["lr_schedule"],
            int(hparams["warmup_steps"]),
            float(hparams["final_lr_ratio"]),
        )
        set_learning_rate(step.optimizers["main"], hparams["lr"], factor)
        value = step.update(loss, clip_norm=hparams.get("clip_norm") or None)
        average = getattr(step.module, "update_average", None)
        if average is not None:
            average(step.step)
        return {"loss": value, "nll": value}

    # -- scoring ------------------------------------------------------------------

    def evaluate(self, ctx: EvalContext, split: str) -> dict[str, float]:
        """Mean NLL per time step (nats, summed over keys) over every piece."""
        rolls: PianoRolls = ctx.bundle.split(split)
        if len(rolls) == 0:
            raise DataError(f"split {split!r} holds no pieces")
        return {"nll": rolls_nll(ctx.model, rolls.rolls, ctx.device, ctx.batch_size)}

    # -- using a trained model -----------------------------------------------------

    def generate(self, run: Any, request: GenerateRequest) -> dict[str, Any]:
        """Write a MIDI file of ``num`` sampled steps, after the ``--prime`` piece.

        ``request.prime``, if given, names a MIDI file; it is quantised to the
        run's grid, played into the model, and kept at the start of the output.
        """
        temperature = check_temperature(request.temperature)
        generator = make_generator(request.seed)
        length = DEFAULT_STEPS if request.num is None else int(request.num)
        steps_per_quarter = int(run.info.get("steps_per_quarter", 1))
        keys = int(run.info.get("keys", KEYS))

        prime = torch.zeros(0, keys)
        if request.prime:
            roll = read_midi_piano_roll(
                request.prime, steps_per_quarter, out_of_range="drop"
            )
            prime = torch.as_tensor(roll, dtype=torch.float32)

        roll = continue_roll(
            run.model, prime, length, temperature, generator, run.device
        )
        if len(roll) == 0:
            raise DataError("nothing to write: pass --num above 0 or a --prime file")
        out = Path(request.out) if request.out else Path(run.path) / DEFAULT_FILE
        write_midi(roll.bool().numpy(), out, steps_per_quarter=steps_per_quarter)
        return {"files": [str(out)]}


def masked_step_nll(
    logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """Binary cross-entropy summed over keys, averaged over the real time steps."""
    per_key = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    return (per_key.sum(dim=-1) * mask).sum() / mask.sum()


def rolls_nll(
    model: torch.nn.Module,
    rolls: Sequence[torch.Tensor],
    device: Any,
    batch_size: int = 64,
    skip_first: bool = False,
) -> float:
    """Mean NLL per time step of ``rolls`` under ``model``, in nats.

    Args:
        skip_first: leave each piece's first step out of the average (scoring it
            given its first step, as some benchmark code does).
    """
    total, steps = 0.0, 0.0
    with torch.no_grad():
        for start in range(0, len(rolls), batch_size):
            inputs, targets, mask = pad_rolls(rolls[start : start + batch_size])
            if skip_first:
                mask[:, 0] = 0.0
            logits, _ = model(inputs.to(device))
            per_key = F.binary_cross_entropy_with_logits(
                logits.float(), targets.to(device), reduction="none"
            )
            total += float((per_key.sum(dim=-1) * mask.to(device)).sum())
            steps += float(mask.sum())
    return total / steps


def continue_roll(
    model: torch.nn.Module,
    prime: torch.Tensor,
    length: int,
    temperature: float,
    generator: torch.Generator,
    device: Any,
) -> torch.Tensor:
    """``prime`` followed by ``length`` steps sampled one at a time.

    Returns:
        A ``(len(prime) + length, keys)`` tensor of 0/1 on the CPU.
    """
    model.eval()
    keys = prime.shape[1]
    frames = [frame for frame in prime]
    with torch.no_grad(), one_thread():
        history = torch.cat([torch.zeros(1, keys), prime]).unsqueeze(0).to(device)
        logits, hidden = model(history)
        for _ in range(length):
            frame = sample_frame(logits[0, -1], temperature, generator)
            frames.append(frame)
            logits, hidden = model(frame.view(1, 1, keys).to(device), hidden)
    if not frames:
        return torch.zeros(0, keys)
    return torch.stack(frames)
