"""Supervised classification: cross-entropy training, accuracy and loss scoring, and
top-k prediction on image files.

Datasets for this task yield ``(input tensor, class index)`` pairs and describe
their inputs in ``info``: ``channels``, ``height``, ``width``, ``classes`` (names),
and the ``mean`` and ``std`` used to normalise, so prediction can repeat them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import DataError
from .base import EvalContext, Procedure, StepContext

__all__ = ["ClassificationProcedure", "load_image"]


class ClassificationProcedure(Procedure):
    """Cross-entropy classification, best epoch chosen by validation accuracy."""

    metrics = ("accuracy", "loss")
    monitor = "accuracy"
    monitor_mode = "max"

    def configure_optimizers(self, model: Any, hparams: dict[str, Any]) -> dict:
        import torch

        if hparams.get("optimizer", "adam") == "sgd":
            optimizer = torch.optim.SGD(
                model.parameters(),
                lr=hparams.get("lr", 0.1),
                momentum=hparams.get("momentum", 0.9),
                weight_decay=hparams.get("weight_decay", 0.0) or 0.0,
                nesterov=True,
            )
        else:
            optimizer = torch.optim.AdamW(
                model.parameters(),
                lr=hparams.get("lr", 1e-3),
                weight_decay=hparams.get("weight_decay", 0.0) or 0.0,
            )
        return {"main": optimizer}

    def configure_schedulers(
        self, optimizers: dict, hparams: dict[str, Any], steps_per_epoch: int
    ) -> dict:
        import torch

        if hparams.get("schedule", "cosine") != "cosine":
            return {}
        epochs = max(int(hparams.get("epochs", 1)), 1)
        return {
            "main": torch.optim.lr_scheduler.CosineAnnealingLR(
                optimizers["main"], T_max=epochs
            )
        }

    def training_step(self, step: StepContext, batch: Any) -> dict[str, float]:
        import torch.nn.functional as F

        inputs, targets = batch
        with step.autocast():
            logits = step.model(inputs)
            loss = F.cross_entropy(
                logits.float(),
                targets,
                label_smoothing=step.hparams.get("label_smoothing", 0.0) or 0.0,
            )
        value = step.update(loss)
        accuracy = (logits.argmax(dim=1) == targets).float().mean().item()
        return {"loss": value, "accuracy": accuracy}

    def evaluate(self, ctx: EvalContext, split: str) -> dict[str, float]:
        import torch
        import torch.nn.functional as F
        from torch.utils.data import DataLoader

        dataset = ctx.bundle.split(split)
        total_loss, correct, count = 0.0, 0, 0
        with torch.no_grad():
            for inputs, targets in DataLoader(dataset, batch_size=ctx.batch_size):
                inputs, targets = inputs.to(ctx.device), targets.to(ctx.device)
                logits = ctx.model(inputs).float()
                total_loss += F.cross_entropy(logits, targets, reduction="sum").item()
                correct += (logits.argmax(dim=1) == targets).sum().item()
                count += len(targets)

        if count == 0:
            raise DataError(f"split {split!r} is empty")
        return {"accuracy": correct / count, "loss": total_loss / count}

    def predict(self, run: Any, inputs: list[str], top_k: int) -> list[dict[str, Any]]:
        import torch

        classes = run.info.get("classes") or [
            str(i) for i in range(run.info["num_classes"])
        ]
        k = max(1, min(top_k, len(classes)))
        results = []
        for name in inputs:
            tensor = load_image(Path(name), run.info).unsqueeze(0).to(run.device)
            with torch.no_grad():
                probabilities = torch.softmax(run.model(tensor).float(), dim=1)[0]
            scores, indices = probabilities.topk(k)
            results.append(
                {
                    "input": name,
                    "predictions": [
                        {"label": classes[int(i)], "score": float(s)}
                        for s, i in zip(scores, indices)
                    ],
                }
            )
        return results

    def example_inputs(self, info: dict[str, Any]) -> tuple[Any, ...]:
        import torch

        shape = (1, info.get("channels", 1), info["height"], info["width"])
        return (torch.zeros(shape),)


def load_image(path: Path, info: dict[str, Any]) -> Any:
    """Read an image file into a normalised ``(C, H, W)`` tensor as the run expects.

    The image is converted to the run's channel count and resized to its height and
    width, then scaled and normalised with the statistics stored in the run.
    """
    import numpy as np
    import torch
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            mode = "L" if info.get("channels", 1) == 1 else "RGB"
            image = image.convert(mode).resize(
                (info["width"], info["height"]), Image.Resampling.BILINEAR
            )
            pixels = np.asarray(image, dtype=np.float32) / 255.0
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise DataError(f"{path}: not a readable image ({exc})") from None

    if pixels.ndim == 2:
        pixels = pixels[None, :, :]
    else:
        pixels = pixels.transpose(2, 0, 1)
    tensor = torch.from_numpy(np.ascontiguousarray(pixels))
    mean = torch.tensor(info.get("mean", [0.0] * tensor.shape[0])).view(-1, 1, 1)
    std = torch.tensor(info.get("std", [1.0] * tensor.shape[0])).view(-1, 1, 1)
    return (tensor - mean) / std
