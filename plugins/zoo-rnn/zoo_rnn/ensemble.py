"""Several character models trained side by side, scored as one.

Language models trained from different starting weights make partly different
mistakes, so the mean of their predicted distributions is a better model than
any one of them. On Tiny Shakespeare two LSTMs mixed this way score about 0.03
nats per character below either alone, more than a larger single model gains in
the same training time (benchmarks/results/rnn.md).

Each member trains on its own loss, exactly as it would alone; only scoring and
sampling mix them. On a CPU the members' steps run at once in threads, each with
an even share of torch's threads: one small LSTM step leaves cores idle, so two
side by side read more characters in the same time than two in turn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import torch
from torch import nn

from .networks import CharModel, Hidden

__all__ = ["CharEnsemble", "SideBySide"]

Result = TypeVar("Result")


class CharEnsemble(nn.Module):
    """Character models whose next-character distributions are averaged.

    ``forward`` returns the log of the members' mean probabilities, which serve
    as logits: their softmax is the mixture, and dividing them by a temperature
    sharpens or flattens it as it does a single model's logits.

    Args:
        members: the models, all over the same vocabulary.
    """

    def __init__(self, members: Sequence[CharModel]) -> None:
        super().__init__()
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two members")
        self.members = nn.ModuleList(members)
        self.vocab_size = members[0].vocab_size

    def forward(
        self, tokens: torch.Tensor, hidden: tuple[Hidden | None, ...] | None = None
    ) -> tuple[torch.Tensor, tuple[Hidden, ...]]:
        """Mixture log-probabilities for every position, and each member's state.

        Args:
            tokens: ``(batch, time)`` character indices.
            hidden: one state per member from the previous chunk, or None.

        Returns:
            ``(batch, time, vocab)`` log-probabilities and the members' states.
        """
        log_probs, _, carried = self.read(tokens, hidden)
        return log_probs, carried

    def read(
        self, tokens: torch.Tensor, hidden: tuple[Hidden | None, ...] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, tuple[Hidden, ...]]:
        """Mixture log-probabilities, the members' top-layer states side by side
        (unit length as a whole, see :meth:`CharModel.read`) and their states."""
        states = hidden if hidden is not None else (None,) * len(self.members)
        log_probs, keys, carried = [], [], []
        for member, state in zip(self.members, states, strict=True):
            member_log_probs, member_keys, state = member.read(tokens, state)
            log_probs.append(member_log_probs)
            keys.append(member_keys)
            carried.append(state)

        count = len(self.members)
        mixed = torch.logsumexp(torch.stack(log_probs), dim=0) - math.log(count)
        return mixed, torch.cat(keys, dim=-1) / math.sqrt(count), tuple(carried)


class SideBySide:
    """Runs one call per ensemble member, at once in threads on a CPU.

    While open, torch's threads are shared evenly among the members' threads
    (one each on two cores for two members); closing restores the count, so
    scoring after an epoch uses every core again. On other devices, or with one
    member, the calls run in turn.

    Args:
        members: how many calls run together.
        device: where the members compute.
    """

    def __init__(self, members: int, device: torch.device) -> None:
        self.members = members
        self.parallel = members > 1 and device.type == "cpu"
        self._pool: ThreadPoolExecutor | None = None
        self._threads = 0

    def map(self, call: Callable[[int], Result]) -> list[Result]:
        """``call(k)`` for every member ``k``, in member order."""
        if not self.parallel:
            return [call(index) for index in range(self.members)]
        if self._pool is None:
            self._open()
        assert self._pool is not None
        return list(self._pool.map(call, range(self.members)))

    def close(self) -> None:
        """Stop the threads and give torch back its thread count."""
        if self._pool is None:
            return
        self._pool.shutdown(wait=True)
        self._pool = None
        torch.set_num_threads(self._threads)

    def _open(self) -> None:
        # The worker threads take the thread count set here when they start.
        self._threads = torch.get_num_threads()
        torch.set_num_threads(max(1, self._threads // self.members))
        self._pool = ThreadPoolExecutor(self.members, thread_name_prefix="member")
