"""A continuous cache: the text just read, remembered through the model's own states.

A character model soon forgets how a name it met a few hundred characters ago was
spelled, yet plays, novels and programs repeat their names and phrases within a
scene. The cache of Grave, Joulin & Usunier ("Improving Neural Language Models
with a Continuous Cache", ICLR 2017) keeps the model's top-layer state at each of
the last ``window`` steps, with the character that came next. At step ``t`` each
remembered state votes for its character with weight
``softmax(scale * cos(h_t, h_i))``, and the vote is mixed into the model's own
prediction::

    p(c) = (1 - weight) * p_model(c) + weight * p_cache(c)

The cache learns nothing from the text it reads: it only looks back at characters
that came before the one being predicted, in scoring and sampling alike, much as
a transformer attends over its context. ``scale`` and ``weight`` are fitted once,
after training, on the end of the training text (:func:`fit_cache`); no other
split is used.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any, NamedTuple

import torch
from torch import nn

from .batching import padded_lanes, reading_lanes

__all__ = ["CacheState", "CachedCharModel", "Recall", "fit_cache"]

logger = logging.getLogger(__name__)

#: training characters, from the end of the text, that the cache is fitted on
FIT_CHARS = 32_768
#: characters per call when fitting
FIT_CHUNK = 512
#: the values of ``scale`` tried
FIT_SCALES = (2.5, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0)
#: the values of ``weight`` tried, from 0 to 0.5 in steps of 0.01. Up to 0.5 the
#: cache can cost at most ln 2 nats on a character whatever it recalls, which
#: bounds the harm where it has less text to recall than on the text it was
#: fitted on (a short split, scored in one short lane).
FIT_WEIGHTS = torch.linspace(0.0, 0.5, 51)


class CacheState(NamedTuple):
    """What a cached model carries from one chunk of text to the next.

    Attributes:
        network: the recurrent network's own carried state.
        keys: ``(batch, remembered, dim)`` unit-length states of the last steps.
        tokens: ``(batch, remembered)`` the input character at each of those steps.
    """

    network: Any
    keys: torch.Tensor
    tokens: torch.Tensor


class Recall:
    """What the cache remembers for each step of one chunk.

    The state at position ``p`` of the remembered-plus-chunk sequence is followed
    by the character at ``p + 1``; a step at position ``q`` may recall ``p`` when
    ``q - window <= p < q``, so every character it recalls has already been read.

    Args:
        queries: ``(batch, time, dim)`` states of the chunk's steps.
        keys: ``(batch, remembered + time, dim)`` earlier states, then the chunk's.
        tokens: ``(batch, remembered + time)`` the input characters at those steps.
        window: how many steps back a step may recall.
    """

    def __init__(
        self,
        queries: torch.Tensor,
        keys: torch.Tensor,
        tokens: torch.Tensor,
        window: int,
    ) -> None:
        self.queries = queries
        self.keys = keys[:, :-1]
        self.following = tokens[:, 1:]
        earlier = keys.shape[1] - queries.shape[1]
        position = torch.arange(queries.shape[1], device=keys.device)[:, None] + earlier
        recalled = torch.arange(self.keys.shape[1], device=keys.device)[None]
        self.allowed = (recalled < position) & (recalled >= position - window)

    @property
    def has_past(self) -> torch.Tensor:
        """``(time,)`` True where a step has something to recall."""
        return self.allowed.any(-1)

    @cached_property
    def similarity(self) -> torch.Tensor:
        """``(batch, time, remembered + time - 1)`` cosine of each pair of states."""
        return self.queries @ self.keys.transpose(1, 2)

    def probabilities(self, scale: float, vocab_size: int) -> torch.Tensor:
        """``(batch, time, vocab)`` the cache's vote; all zero where a step has
        nothing to recall."""
        scores = (self.similarity * scale).masked_fill(
            ~self.allowed, torch.finfo(self.similarity.dtype).min
        )
        weights = torch.softmax(scores, dim=-1) * self.has_past[:, None].to(
            scores.dtype
        )
        batch, time, remembered = weights.shape
        votes = torch.zeros(batch, time, vocab_size, device=weights.device)
        following = self.following[:, None, :].expand(batch, time, remembered)
        return votes.scatter_add_(2, following, weights)


class CachedCharModel(nn.Module):
    """A character model (one network or an ensemble) with a continuous cache.

    While training it is the network alone. Otherwise ``forward`` returns the
    log-probabilities of the mixture, which serve as logits, and carries a
    :class:`CacheState`. Until :func:`fit_cache` sets ``weight`` above 0 the
    mixture is the network's own prediction.

    Args:
        network: a model with ``read(tokens, hidden)`` as
            :meth:`~zoo_rnn.networks.CharModel.read` has it.
        window: steps remembered.
    """

    def __init__(self, network: nn.Module, window: int) -> None:
        super().__init__()
        if window < 1:
            raise ValueError("a cache needs a window of at least one step")
        self.network = network
        self.window = window
        self.vocab_size = network.vocab_size
        self.register_buffer("scale", torch.tensor(0.0))
        self.register_buffer("weight", torch.tensor(0.0))

    def forward(
        self, tokens: torch.Tensor, state: Any = None
    ) -> tuple[torch.Tensor, Any]:
        """Next-character log-probabilities for ``(batch, time)`` ``tokens``."""
        if self.training:
            return self.network(tokens, state)

        log_probs, recall, state = self.look_back(tokens, state)
        weight = float(self.weight)
        if weight > 0:
            votes = recall.probabilities(float(self.scale), self.vocab_size)
            log_probs = mix(log_probs, votes, weight * recall.has_past.to(votes.dtype))
        return log_probs, state

    def look_back(
        self, tokens: torch.Tensor, state: CacheState | None
    ) -> tuple[torch.Tensor, Recall, CacheState]:
        """The network's own log-probabilities for a chunk, what the cache
        recalls for each of its steps, and the state after the chunk."""
        earlier = state.network if state is not None else None
        log_probs, queries, network_state = self.network.read(tokens, earlier)
        keys, read = queries, tokens
        if state is not None:
            keys = torch.cat([state.keys, queries], dim=1)
            read = torch.cat([state.tokens, tokens], dim=1)

        recall = Recall(queries, keys, read, self.window)
        kept = CacheState(
            network_state, keys[:, -self.window :], read[:, -self.window :]
        )
        return log_probs, recall, kept


def mix(log_probs: torch.Tensor, votes: torch.Tensor, weight: Any) -> torch.Tensor:
    """``log((1 - weight) * p + weight * votes)`` for log-probabilities ``p``;
    ``weight`` is one number, or one per time step."""
    weight = torch.as_tensor(weight, dtype=log_probs.dtype, device=log_probs.device)
    if weight.dim() > 0:
        weight = weight[..., None]
    return torch.logaddexp(
        torch.log1p(-weight) + log_probs, torch.log(weight) + torch.log(votes)
    )


def fit_cache(model: CachedCharModel, ids: torch.Tensor, device: Any) -> dict:
    """Set ``model.scale`` and ``model.weight`` to the values, among a grid, that
    predict the last :data:`FIT_CHARS` characters of ``ids`` best.

    ``ids`` is training text: the network has learned it, so it needs the cache
    less there than on new text, and the weight found errs on the low side.

    Returns:
        the values chosen, the characters scored and their NLL without and with
        the cache.
    """
    if ids.numel() < 2:
        logger.warning("too little training text to fit the cache; it stays off")
        return {"scale": 0.0, "weight": 0.0, "characters": 0}

    text = ids[-(FIT_CHARS + 1) :]
    # read in lanes as a split is scored, so the cache has as much to recall
    inputs, targets, mask = padded_lanes(text, reading_lanes(text.numel() - 1))
    own, votes, recalls = [], {scale: [] for scale in FIT_SCALES}, []

    training = model.training
    model.eval()
    state = None
    with torch.no_grad():
        for start in range(0, inputs.shape[1], FIT_CHUNK):
            window = slice(start, start + FIT_CHUNK)
            chunk = inputs[:, window].to(device)
            target = targets[:, window].to(device)[..., None]
            log_probs, recall, state = model.look_back(chunk, state)
            own.append(log_probs.gather(-1, target).squeeze(-1).exp().cpu())
            recalls.append(recall.has_past[None].expand(chunk.shape).cpu())
            for scale in FIT_SCALES:
                vote = recall.probabilities(scale, model.vocab_size).gather(-1, target)
                votes[scale].append(vote.squeeze(-1).cpu())
    model.train(training)

    # every (scale, weight) pair at once: (scales, weights, lanes, time)
    own_p = torch.cat(own, dim=1)
    vote_p = torch.stack([torch.cat(votes[scale], dim=1) for scale in FIT_SCALES])
    weights = FIT_WEIGHTS[None, :, None, None]
    weights = weights * torch.cat(recalls, dim=1).float()
    mixed = (1 - weights) * own_p + weights * vote_p[:, None]
    nll = -(mixed.clamp_min(1e-30).log() * mask).sum((-1, -2)) / mask.sum()

    best = int(torch.argmin(nll))
    scale_index, weight_index = divmod(best, len(FIT_WEIGHTS))
    scale = FIT_SCALES[scale_index]
    weight = float(FIT_WEIGHTS[weight_index])
    model.scale.fill_(scale)
    model.weight.fill_(weight)
    fitted = {
        "scale": scale,
        "weight": round(weight, 4),
        "characters": int(mask.sum()),
        "nll_without": round(float(nll[0, 0]), 4),
        "nll_with": round(float(nll.min()), 4),
    }
    logger.info("cache fitted on the end of the training text: %s", fitted)
    return fitted
