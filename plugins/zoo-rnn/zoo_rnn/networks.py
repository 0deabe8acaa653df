"""The recurrent networks: a character language model and a piano-roll model.

Both follow the recurrence of the design notes, ``h_t = f(W x_t + U h_{t-1} + b)``
with a read-out ``y_t = V h_t + c``; ``f`` is a plain tanh unit, an LSTM or a GRU.
The recurrent core is one of PyTorch's fused ``nn.RNN``/``nn.LSTM``/``nn.GRU``
modules, so training runs their optimised kernels rather than a Python loop over
time steps.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = ["CELLS", "CharModel", "PianoRollModel", "Hidden", "detach_hidden"]

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


def detach_hidden(hidden: Hidden | None) -> Hidden | None:
    """Cut the graph behind a carried hidden state (truncated back-propagation)."""
    if hidden is None:
        return None
    if isinstance(hidden, tuple):
        return tuple(part.detach() for part in hidden)
    return hidden.detach()


class CharModel(nn.Module):
    """Character language model: embedding, recurrent stack, linear read-out.

    Args:
        vocab_size: number of distinct characters.
        cell: ``"tanh"``, ``"lstm"`` or ``"gru"``.
        hidden_size: units per recurrent layer.
        layers: recurrent layers stacked.
        embedding_size: width of the learned character vectors.
        dropout: dropout on the embeddings, between layers and before the read-out.
    """

    def __init__(
        self,
        vocab_size: int,
        cell: str = "lstm",
        hidden_size: int = 512,
        layers: int = 2,
        embedding_size: int = 64,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.core = make_core(cell, embedding_size, hidden_size, layers, dropout)
        self.drop = nn.Dropout(dropout)
        self.readout = nn.Linear(hidden_size, vocab_size)

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
        vectors = self.drop(self.embedding(tokens))
        states, hidden = self.core(vectors, hidden)
        return self.readout(self.drop(states)), hidden


class PianoRollModel(nn.Module):
    """Polyphonic music model: one independent Bernoulli per key and time step.

    The input at step ``t`` is the piano roll at ``t - 1`` (silence before the
    first step); the output is one logit per key for step ``t``.

    Args:
        keys: keys per time step (88 for a piano).
        cell: ``"tanh"``, ``"lstm"`` or ``"gru"``.
        hidden_size: units per recurrent layer.
        layers: recurrent layers stacked.
        dropout: dropout between layers and before the read-out.
        input_dropout: dropout on the input keys (notes of the previous step).
    """

    def __init__(
        self,
        keys: int = 88,
        cell: str = "gru",
        hidden_size: int = 256,
        layers: int = 1,
        dropout: float = 0.0,
        input_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.keys = keys
        self.input_drop = nn.Dropout(input_dropout)
        self.core = make_core(cell, keys, hidden_size, layers, dropout)
        self.drop = nn.Dropout(dropout)
        self.readout = nn.Linear(hidden_size, keys)

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
        states, hidden = self.core(self.input_drop(frames), hidden)
        return self.readout(self.drop(states)), hidden


def parameter_count(model: nn.Module) -> int:
    """Trainable parameters, for model cards and benchmarks."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def describe(model: nn.Module) -> dict[str, Any]:
    """Size facts about ``model`` for logs."""
    return {"parameters": parameter_count(model)}
