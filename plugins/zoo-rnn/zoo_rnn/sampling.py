"""Drawing samples from a model's outputs: characters and piano-roll frames."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from zoo_core.errors import ConfigError

__all__ = [
    "check_temperature",
    "make_generator",
    "one_thread",
    "sample_character",
    "sample_frame",
]


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one CPU thread inside the block.

    Sampling calls the model once per step on a single sequence; such small
    operations run many times faster on one thread than split across several,
    where the threads spend their time waiting for each other.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def check_temperature(temperature: float) -> float:
    """``temperature`` if it is positive; a ConfigError naming the flag otherwise."""
    if not temperature > 0:
        raise ConfigError(f"--temperature must be above 0, not {temperature}")
    return float(temperature)


def make_generator(seed: int | None) -> torch.Generator:
    """A CPU generator seeded with ``seed``, or from system entropy without one."""
    generator = torch.Generator()
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(seed)
    return generator


def sample_character(
    logits: torch.Tensor,
    temperature: float,
    generator: torch.Generator,
    top_k: int | None = None,
) -> int:
    """One index drawn from ``softmax(logits / temperature)``.

    With ``top_k`` only the ``top_k`` most likely characters can be drawn, which
    keeps rare mistakes out of long samples.
    """
    scaled = logits.detach().float().cpu() / temperature
    if top_k is not None and 0 < top_k < scaled.numel():
        threshold = torch.topk(scaled, top_k).values[-1]
        scaled = scaled.masked_fill(scaled < threshold, float("-inf"))
    probabilities = torch.softmax(scaled, dim=-1)
    return int(torch.multinomial(probabilities, 1, generator=generator))


def sample_frame(
    logits: torch.Tensor, temperature: float, generator: torch.Generator
) -> torch.Tensor:
    """One piano-roll frame: each key drawn on its own from its Bernoulli.

    ``temperature`` divides the logits, as for characters: below 1 the likely keys
    win more often, above 1 the frame gets noisier.
    """
    probabilities = torch.sigmoid(logits.detach().float().cpu() / temperature)
    return torch.bernoulli(probabilities, generator=generator)
