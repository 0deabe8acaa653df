"""Character corpora: Tiny Shakespeare and a user's own text file.

A corpus is one long stream of characters. Its vocabulary is every distinct
character in the whole file, sorted, and each split is the stream of their
indices: the first 90% trains and the rest validates, as char-rnn does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import torch

from zoo_core.data import DataBundle, LoadContext
from zoo_core.data.splits import stream_split
from zoo_core.errors import ConfigError, DataError
from zoo_core.formats import read_text

__all__ = [
    "CharStream",
    "build_vocabulary",
    "encode",
    "load_text_file",
    "load_tinyshakespeare",
    "text_bundle",
]

logger = logging.getLogger(__name__)


@dataclass
class CharStream:
    """One split of a corpus: the character indices in reading order.

    It has no length on purpose: the runtime then hands its batching to the
    procedure, which cuts the stream into contiguous chunks instead of sampling
    independent items.

    Attributes:
        ids: 1-D int64 tensor of character indices.
    """

    ids: torch.Tensor

    @property
    def num_chars(self) -> int:
        return int(self.ids.numel())


def build_vocabulary(text: str) -> list[str]:
    """The distinct characters of ``text``, sorted by code point."""
    return sorted(set(text))


def encode(text: str, vocab: list[str], what: str = "the text") -> torch.Tensor:
    """Indices of the characters of ``text`` in ``vocab``.

    Raises:
        ConfigError: ``text`` holds characters outside ``vocab``; the message names
            them, since a model can neither read nor write those.
    """
    index = {char: i for i, char in enumerate(vocab)}
    unknown = sorted(set(text) - index.keys())
    if unknown:
        shown = ", ".join(repr(char) for char in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise ConfigError(
            f"{what} holds characters the model never saw in training: {shown}"
            f"{more}; use only the {len(vocab)} characters of its training text"
        )
    return torch.tensor([index[char] for char in text], dtype=torch.long)


def text_bundle(text: str, train_fraction: float, source: str) -> DataBundle:
    """Split ``text`` into a leading train stream and a trailing valid stream.

    Args:
        text: the whole corpus.
        train_fraction: share of characters, from the start, that trains.
        source: where the text came from, for error messages.
    """
    if len(text) < 4:
        raise DataError(f"{source} holds {len(text)} characters; expected a corpus")
    vocab = build_vocabulary(text)
    ids = encode(text, vocab)
    try:
        train, valid = stream_split(len(ids), train_fraction)
    except ValueError as exc:
        raise DataError(f"{source}: {exc}") from None

    info = {
        "vocab": vocab,
        "vocab_size": len(vocab),
        "train_chars": train.stop - train.start,
        "valid_chars": valid.stop - valid.start,
    }
    logger.debug("%s: %d characters, vocabulary of %d", source, len(ids), len(vocab))
    return DataBundle(
        splits={"train": CharStream(ids[train]), "valid": CharStream(ids[valid])},
        info=info,
    )


def load_tinyshakespeare(ctx: LoadContext) -> DataBundle:
    """Tiny Shakespeare: ``input.txt``, first 90% train, last 10% valid."""
    path = ctx.path("input.txt")
    return text_bundle(read_text(path), 0.9, str(path))


def load_text_file(ctx: LoadContext) -> DataBundle:
    """A user's own text file (option ``path``), split like Tiny Shakespeare."""
    if not ctx.options.get("path"):
        raise ConfigError(
            "dataset text-file needs a file: pass --set data.path=YOUR_FILE.txt"
        )
    path = Path(ctx.options["path"]).expanduser()
    text = read_text(path, encoding=ctx.options.get("encoding") or "utf-8")
    return text_bundle(text, 1.0 - float(ctx.options["valid_fraction"]), str(path))
