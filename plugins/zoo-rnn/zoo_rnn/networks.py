"""The recurrent networks: a character language model and a piano-roll model.

Both follow the recurrence of the design notes, ``h_t = f(W x_t + U h_{t-1} + b)``
with a read-out ``y_t = V h_t + c``; ``f`` is a plain tanh unit, an LSTM or a GRU.
The recurrent core is one of PyTorch's fused ``nn.RNN``/``nn.LSTM``/``nn.GRU``
modules, so training runs their optimised kernels rather than a Python loop over
time steps.
"""

from __future__ import annotations

import copy
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from zoo_core.runtime.averaging import move_average

__all__ = [
    "CELLS",
    "AveragedParts",
    "CharModel",
    "PianoRollModel",
    "Hidden",
    "detach_hidden",
    "run_core",
]

#: recurrent cell name -> PyTorch module that runs a stack of them
CELLS: dict[str, type[nn.Module]] = {"tanh": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

#: a GRU or tanh RNN carries one tensor, an LSTM a pair ``(h, c)``
Hidden = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


def make_core(
    cell: str, input_size: int, hidden_size: int, layers: int, dropout: float
) -> nn.Module:
    """A stack of ``layers`` recurrent layers of type ``cell``, batch first.

    ``dropout`` applies between stacked layers, as in Zaremba et al. (2014).
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}, not {cell!r}")
    return CELLS[cell](
        input_size,
        hidden_size,
        num_layers=layers,
        batch_first=True,
        dropout=dropout if layers > 1 else 0.0,
    )


def run_core(
    core: nn.Module,
    inputs: torch.Tensor,
    hidden: Hidden | None,
    weight_dropout: float,
    training: bool,
) -> tuple[torch.Tensor, Hidden]:
    """Run a recurrent stack, with DropConnect on its recurrent weights in training.

    DropConnect (Wan et al., 2013; the weight-dropped LSTM of Merity et al., 2018)
    zeroes a random share ``weight_dropout`` of the hidden-to-hidden weights, one
    mask for the whole batch and every time step. Masking the weights rather than
    the states keeps PyTorch's fused recurrent kernels in use.
    """
    if not training or weight_dropout <= 0:
        return core(inputs, hidden)

    weights = dict(core.named_parameters())
    for name in weights:
        if name.startswith("weight_hh"):
            weights[name] = F.dropout(weights[name], weight_dropout)
    return torch.func.functional_call(core, weights, (inputs, hidden))


def detach_hidden(hidden: Hidden | None) -> Hidden | None:
    """Cut the graph behind a carried hidden state (truncated back-propagation)."""
    if hidden is None:
        return None
    if isinstance(hidden, tuple):
        return tuple(part.detach() for part in hidden)
    return hidden.detach()


class AveragedParts(nn.Module):
    """A model that keeps an exponential moving average of some of its parts.

    The average trains nothing: after each optimizer step :meth:`update_average`
    moves it towards the current weights, and whenever the model is not training
    (scoring, sampling, export) it computes with the average instead. Late in
    training the average generalises better than the last, noisier weights.
    Subclasses name the averaged submodules in ``averaged_parts`` and call
    :meth:`start_average` once those exist.
    """

    averaged_parts: tuple[str, ...] = ()

    def start_average(self, decay: float) -> None:
        """Keep an average with ``decay`` (0: none, the model uses its weights)."""
        self.average_decay = decay
        self.average: nn.ModuleDict | None = None
        if decay > 0:
            parts = {name: getattr(self, name) for name in self.averaged_parts}
            self.average = copy.deepcopy(nn.ModuleDict(parts)).requires_grad_(False)

    def part(self, name: str) -> nn.Module:
        """The submodule ``name`` as the model computes with it now."""
        if not self.training and self.average is not None:
            return self.average[name]
        return getattr(self, name)

    def update_average(self, step: int) -> None:
        """Move the average towards the current weights after an update."""
        if self.average is None:
            return
        for name, kept in self.average.items():
            move_average(kept, getattr(self, name), self.average_decay, step)


class CharModel(AveragedParts):
    """Character language model: embedding, recurrent stack, linear read-out.

    Args:
        vocab_size: number of distinct characters.
        cell: ``"tanh"``, ``"lstm"`` or ``"gru"``.
        hidden_size: units per recurrent layer.
        layers: recurrent layers stacked.
        embedding_size: width of the learned character vectors.
        dropout: dropout on the embeddings, between layers and before the read-out.
        weight_dropout: DropConnect rate on the hidden-to-hidden weights.
        average_decay: decay of the weight average (see :class:`AveragedParts`);
            0 keeps none.
    """

    averaged_parts = ("embedding", "core", "readout")

    def __init__(
        self,
        vocab_size: int,
        cell: str = "lstm",
        hidden_size: int = 384,
        layers: int = 2,
        embedding_size: int = 64,
        dropout: float = 0.0,
        weight_dropout: float = 0.0,
        average_decay: float = 0.0,
    ) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.weight_dropout = weight_dropout
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.core = make_core(cell, embedding_size, hidden_size, layers, dropout)
        self.drop = nn.Dropout(dropout)
        self.readout = nn.Linear(hidden_size, vocab_size)
        self.start_average(average_decay)

    def forward(
        self, tokens: torch.Tensor, hidden: Hidden | None = None
    ) -> tuple[torch.Tensor, Hidden]:
        """Next-character logits for every position.

        Args:
            tokens: ``(batch, time)`` character indices.
            hidden: the state carried from the previous chunk, or None for zeros.

        Returns:
            ``(batch, time, vocab)`` logits and the state after the last step.
        """
        states, hidden = self._states(tokens, hidden)
        return self.part("readout")(self.drop(states)), hidden

    def read(
        self, tokens: torch.Tensor, hidden: Hidden | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, Hidden]:
        """Next-character log-probabilities, the unit-length top-layer states
        that produced them (what a :mod:`~zoo_rnn.cache` remembers), and the state.
        """
        states, hidden = self._states(tokens, hidden)
        logits = self.part("readout")(self.drop(states))
        return (
            F.log_softmax(logits.float(), dim=-1),
            F.normalize(states.float(), dim=-1),
            hidden,
        )

    def _states(
        self, tokens: torch.Tensor, hidden: Hidden | None
    ) -> tuple[torch.Tensor, Hidden]:
        vectors = self.drop(self.part("embedding")(tokens))
        return run_core(
            self.part("core"), vectors, hidden, self.weight_dropout, self.training
        )


class PianoRollModel(AveragedParts):
    """Polyphonic music model: one independent Bernoulli per key and time step.

    The input at step ``t`` is the piano roll at ``t - 1`` (silence before the
    first step); the output is one logit per key for step ``t``.

    Two regularisers suit a data set as small as the JSB Chorales: DropConnect
    on the recurrent weights (see :func:`run_core`) and the weight average of
    :class:`AveragedParts`.

    Args:
        keys: keys per time step (88 for a piano).
        cell: ``"tanh"``, ``"lstm"`` or ``"gru"``.
        hidden_size: units per recurrent layer.
        layers: recurrent layers stacked.
        dropout: dropout between layers and before the read-out.
        input_dropout: dropout on the input keys (notes of the previous step).
        weight_dropout: DropConnect rate on the hidden-to-hidden weights.
        average_decay: decay of the weight average; 0 keeps none.
    """

    averaged_parts = ("core", "readout")

    def __init__(
        self,
        keys: int = 88,
        cell: str = "gru",
        hidden_size: int = 256,
        layers: int = 1,
        dropout: float = 0.0,
        input_dropout: float = 0.0,
        weight_dropout: float = 0.0,
        average_decay: float = 0.0,
    ) -> None:
        super().__init__()
        self.keys = keys
        self.weight_dropout = weight_dropout
        self.input_drop = nn.Dropout(input_dropout)
        self.core = make_core(cell, keys, hidden_size, layers, dropout)
        self.drop = nn.Dropout(dropout)
        self.readout = nn.Linear(hidden_size, keys)
        self.start_average(average_decay)

    def forward(
        self, frames: torch.Tensor, hidden: Hidden | None = None
    ) -> tuple[torch.Tensor, Hidden]:
        """Logits of every key at the step after each input frame.

        Args:
            frames: ``(batch, time, keys)`` 0/1 floats, already shifted by one.
            hidden: the state after the previous frames, or None for zeros.

        Returns:
            ``(batch, time, keys)`` logits and the state after the last frame.
        """
        inputs = self.input_drop(frames)
        states, hidden = run_core(
            self.part("core"), inputs, hidden, self.weight_dropout, self.training
        )
        return self.part("readout")(self.drop(states)), hidden


def parameter_count(model: nn.Module) -> int:
    """Trainable parameters, for model cards and benchmarks."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def describe(model: nn.Module) -> dict[str, Any]:
    """Size facts about ``model`` for logs."""
    return {"parameters": parameter_count(model)}
