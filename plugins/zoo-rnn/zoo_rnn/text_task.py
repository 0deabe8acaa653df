"""The ``text-generation`` task: character language modelling and sampling.

Training reads the corpus as one long stream in contiguous chunks of ``bptt``
characters and carries the hidden state from chunk to chunk, cutting the graph
between them (truncated back-propagation through time). Scoring reports ``nll``,
the mean negative log-likelihood of every next character of a split, in nats.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F

from zoo_core.errors import ConfigError, DataError
from zoo_core.tasks.base import EvalContext, GenerateRequest, Procedure, StepContext

from .batching import LaneShare, StreamLanes, padded_lanes, reading_lanes
from .cache import CachedCharModel, fit_cache
from .ensemble import CharEnsemble, SideBySide
from .networks import detach_hidden
from .sampling import (
    check_temperature,
    make_generator,
    one_thread,
    sample_character,
)
from .schedule import TimeShare, lr_factor, set_learning_rate
from .text_data import CharStream, encode

__all__ = ["TextGenerationProcedure"]

#: characters per forward call when scoring
EVAL_CHUNK = 512
DEFAULT_LENGTH = 500
#: seconds a timed run keeps back at its end to fit the cache, so that the fit
#: falls within the budget (it takes about 6 s on two CPU cores)
CACHE_FIT_SECONDS = 10.0


class TextGenerationProcedure(Procedure):
    """Character-level language modelling with truncated BPTT.

    Each epoch is one pass over the training stream, in ``batch_size`` lanes
    read ``bptt`` characters at a time. With ``max_minutes`` set, each epoch
    instead trains for an equal share of that budget, continuing through the
    stream (and round again) where the previous epoch stopped. A model with a
    cache has it fitted at the end of the last epoch, within the budget.
    """

    metrics = ("nll",)
    monitor = "nll"
    monitor_mode = "min"
    eval_split = "valid"

    def __init__(self) -> None:
        self._clock = TimeShare(None, 1)
        self._used = 0.0
        self._share = LaneShare()
        self._lanes: StreamLanes | None = None
        self._next_chunk = 0
        self._chunks_per_pass = 1
        self._side_by_side: SideBySide | None = None
        self._fit_after: CachedCharModel | None = None
        self._device: Any = None

    # -- training -----------------------------------------------------------------

    def configure_optimizers(
        self, model: torch.nn.Module, hparams: dict[str, Any]
    ) -> dict[str, Any]:
        # beta2 = 0.99: with small batches of characters the squared-gradient
        # average should follow the gradients' scale within about a hundred steps.
        def adamw(module: torch.nn.Module) -> torch.optim.Optimizer:
            return torch.optim.AdamW(
                module.parameters(),
                lr=hparams["lr"],
                betas=(0.9, 0.99),
                weight_decay=hparams.get("weight_decay") or 0.0,
            )

        network = _network(model)
        if isinstance(network, CharEnsemble):
            # One optimizer per member, so each member's thread steps its own.
            return {
                member_optimizer(index): adamw(member)
                for index, member in enumerate(network.members)
            }
        return {"main": adamw(model)}

    def train_batches(
        self, dataset: CharStream, hparams: dict[str, Any], sampler: Any, info: dict
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Contiguous ``(inputs, targets)`` chunks of ``(batch_size, bptt)``.

        The sampler is not used: a stream has no independent items to shuffle.
        Each pass starts at a random offset below ``bptt`` so chunk boundaries
        move from pass to pass. With several processes the stream is cut into
        ``batch_size`` lanes per process and each reads its own.
        """
        rows, bptt = int(hparams["batch_size"]), int(hparams["bptt"])
        self._share = LaneShare()
        self._clock = TimeShare(hparams.get("max_minutes"), int(hparams["epochs"]))
        self._chunks_per_pass = StreamLanes(
            dataset.ids, rows * self._share.processes
        ).num_chunks(bptt)
        if not self._clock.limited:
            self._lanes, self._next_chunk = None, 0
        return self._chunks(dataset, rows, bptt)

    def _chunks(
        self, dataset: CharStream, rows: int, bptt: int
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        try:
            yield from self._timed_chunks(dataset, rows, bptt)
        finally:
            if self._side_by_side is not None:
                self._side_by_side.close()

        if self._fit_after is not None:
            fit_cache(self._fit_after, dataset.ids, self._device)

    def _timed_chunks(
        self, dataset: CharStream, rows: int, bptt: int
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        share = self._share
        mine = share.rows(rows)
        self._clock.start(CACHE_FIT_SECONDS if self._fit_after is not None else 0.0)
        while True:
            if self._lanes is None:
                offset = int(share.agree(float(torch.randint(0, bptt, ()))))
                self._lanes, self._next_chunk = (
                    StreamLanes(dataset.ids, rows * share.processes, offset),
                    0,
                )
            while self._next_chunk < self._lanes.num_chunks(bptt):
                if self._clock.limited:
                    # Every process stops, and sets its learning rate, by the
                    # first process's clock, so they take the same steps.
                    self._used = share.agree(self._clock.used())
                    if self._used >= 1.0:
                        return
                index = self._next_chunk
                self._next_chunk += 1
                inputs, targets = self._lanes.chunk(index, bptt)
                yield inputs[mine], targets[mine]

            self._lanes = None
            if not self._clock.limited:
                return

    def start_epoch(self, step: StepContext) -> None:
        step.state.pop("hidden", None)
        last = step.epoch == int(step.hparams["epochs"])
        cached = isinstance(step.module, CachedCharModel)
        self._fit_after = step.module if last and cached else None
        self._device = step.device

    def training_step(
        self, step: StepContext, batch: tuple[torch.Tensor, torch.Tensor]
    ) -> dict[str, float]:
        network = _network(step.module)
        if isinstance(network, CharEnsemble):
            return self._ensemble_step(step, network, batch)

        hidden = _fitting(step.state.get("hidden"), batch[0].shape[0])
        value, step.state["hidden"] = self._train_network(
            step, step.model, network, "main", batch, hidden, self._lr(step)
        )
        return {"loss": value, "nll": value}

    def _ensemble_step(
        self,
        step: StepContext,
        ensemble: CharEnsemble,
        batch: tuple[torch.Tensor, torch.Tensor],
    ) -> dict[str, float]:
        """One step of every member on its own loss, side by side on a CPU."""
        count = len(ensemble.members)
        if step.model is not step.module:
            raise ConfigError(
                "the members of an ensemble train side by side in one process: "
                "train it without torchrun and --compile, or pass --set members=1"
            )
        if self._side_by_side is None:
            self._side_by_side = SideBySide(count, step.device)
        rows = batch[0].shape[0]
        carried = step.state.get("hidden") or (None,) * count
        hidden = [_fitting(state, rows) for state in carried]
        factor = self._lr(step)

        def member_step(index: int) -> tuple[float, Any]:
            member = ensemble.members[index]
            return self._train_network(
                step,
                member,
                member,
                member_optimizer(index),
                batch,
                hidden[index],
                factor,
            )

        results = self._side_by_side.map(member_step)
        step.state["hidden"] = tuple(state for _, state in results)
        value = sum(loss for loss, _ in results) / count
        return {"loss": value, "nll": value}

    @staticmethod
    def _train_network(
        step: StepContext,
        model: torch.nn.Module,
        module: torch.nn.Module,
        optimizer: str,
        batch: tuple[torch.Tensor, torch.Tensor],
        hidden: Any,
        factor: float,
    ) -> tuple[float, Any]:
        """One update of one network on a chunk; returns its loss and carried state.

        ``model`` is what to call (a DistributedDataParallel wrapper, say) and
        ``module`` the plain network whose weight average, if any, follows.
        """
        inputs, targets = batch
        with step.autocast():
            logits, hidden = model(inputs, hidden)
            loss = F.cross_entropy(
                logits.float().reshape(-1, logits.shape[-1]), targets.reshape(-1)
            )

        hparams = step.hparams
        set_learning_rate(step.optimizers[optimizer], hparams["lr"], factor)
        value = step.update(loss, optimizer, clip_norm=hparams.get("clip_norm") or None)
        average = getattr(module, "update_average", None)
        if average is not None:
            average(step.step)
        return value, detach_hidden(hidden)

    def _lr(self, step: StepContext) -> float:
        """The learning-rate factor for this step, from the share of training done."""
        epochs = int(step.hparams["epochs"])
        if self._clock.limited:
            progress = (step.epoch - 1 + self._used) / epochs
        else:
            progress = step.step / (epochs * self._chunks_per_pass)
        return lr_factor(
            progress,
            step.step,
            step.hparams["lr_schedule"],
            int(step.hparams["warmup_steps"]),
            float(step.hparams["final_lr_ratio"]),
        )

    # -- scoring ------------------------------------------------------------------

    def evaluate(self, ctx: EvalContext, split: str) -> dict[str, float]:
        """Mean next-character NLL (nats) over every character of ``split``.

        The split is read in up to 8 contiguous lanes (see
        :func:`~zoo_rnn.batching.reading_lanes`), each starting
        from a zero state (and an empty cache) and carrying it to its end, so
        almost every character is predicted with its whole history. Once a
        model's cache is fitted, ``nll_without_cache`` scores its network alone.
        """
        stream: CharStream = ctx.bundle.split(split)
        if stream.num_chars < 2:
            raise DataError(f"split {split!r} holds fewer than 2 characters")
        scores = {"nll": stream_nll(ctx.model, stream.ids, ctx.device)}
        if isinstance(ctx.model, CachedCharModel) and float(ctx.model.weight) > 0:
            network = ctx.model.network
            scores["nll_without_cache"] = stream_nll(network, stream.ids, ctx.device)
        return scores

    # -- using a trained model -----------------------------------------------------

    def generate(self, run: Any, request: GenerateRequest) -> dict[str, Any]:
        """Continue ``request.prime`` (a newline by default) by ``num`` characters."""
        vocab: list[str] = run.info["vocab"]
        temperature = check_temperature(request.temperature)
        prime = request.prime if request.prime else _default_prime(vocab)
        prime_ids = encode(prime, vocab, "the --prime text").to(run.device)
        generator = make_generator(request.seed)
        length = DEFAULT_LENGTH if request.num is None else int(request.num)

        model = run.model
        model.eval()
        produced: list[str] = []
        with torch.no_grad(), one_thread():
            logits, hidden = model(prime_ids.unsqueeze(0))
            for _ in range(length):
                index = sample_character(
                    logits[0, -1], temperature, generator, request.top_k
                )
                produced.append(vocab[index])
                token = torch.tensor([[index]], device=run.device)
                logits, hidden = model(token, hidden)
        return {"text": prime + "".join(produced)}


def stream_nll(model: torch.nn.Module, ids: torch.Tensor, device: Any) -> float:
    """Mean NLL in nats of predicting each character of ``ids`` from the ones before.

    Every one of the ``len(ids) - 1`` predictions counts once.
    """
    inputs, targets, mask = padded_lanes(ids, reading_lanes(ids.numel() - 1))
    total, hidden = 0.0, None
    with torch.no_grad():
        for start in range(0, inputs.shape[1], EVAL_CHUNK):
            window = slice(start, start + EVAL_CHUNK)
            logits, hidden = model(inputs[:, window].to(device), hidden)
            losses = F.cross_entropy(
                logits.float().transpose(1, 2),
                targets[:, window].to(device),
                reduction="none",
            )
            total += float((losses * mask[:, window].to(device)).sum())
    return total / float(mask.sum())


def member_optimizer(index: int) -> str:
    """The name of ensemble member ``index``'s optimizer."""
    return f"member{index}"


def _network(model: torch.nn.Module) -> torch.nn.Module:
    """The network that trains: the model itself, or the one under its cache."""
    return model.network if isinstance(model, CachedCharModel) else model


def _fitting(hidden: Any, rows: int) -> Any:
    """A network's carried state, or None where it does not fit a batch of
    ``rows`` lanes (the first chunk, or a shorter last batch)."""
    if hidden is None:
        return None
    first = hidden[0] if isinstance(hidden, tuple) else hidden
    return hidden if int(first.shape[1]) == rows else None


def _default_prime(vocab: list[str]) -> str:
    return "\n" if "\n" in vocab else vocab[0]
