"""Parsers for the file formats of real datasets, returning numpy arrays or frames.

One module per format family; none imports torch. Every reader rejects bad input
with :class:`~zoo_core.errors.DataError` (or ``DatasetMissingError`` for a
missing file) whose one-line message names the file, the 1-based line (or record,
byte offset, chorale and time step, as the format has them) and what was
expected. Nothing is skipped silently.

:func:`read_table` with :class:`Column` is the delimited-text reader they share,
for formats that have no reader of their own here.
"""

from ._table import Column, read_table
from .cifar import CIFAR10_CLASSES, read_cifar10_binary
from .idx import read_idx
from .image_folder import read_image, scan_image_folder
from .jsb import read_jsb_chorales
from .midi import read_midi_piano_roll, scan_midi_folder, write_midi
from .movielens import (
    ML100K_GENRES,
    Ratings,
    check_known_ids,
    encode_ids,
    read_ml1m_movies,
    read_ml1m_ratings,
    read_ml100k_items,
    read_ml100k_ratings,
    read_ratings_csv,
)
from .optdigits import read_optdigits
from .text import read_text

__all__ = [
    "CIFAR10_CLASSES",
    "Column",
    "ML100K_GENRES",
    "Ratings",
    "check_known_ids",
    "encode_ids",
    "read_cifar10_binary",
    "read_idx",
    "read_image",
    "read_jsb_chorales",
    "read_midi_piano_roll",
    "read_ml100k_items",
    "read_ml100k_ratings",
    "read_ml1m_movies",
    "read_ml1m_ratings",
    "read_optdigits",
    "read_ratings_csv",
    "read_table",
    "read_text",
    "scan_image_folder",
    "scan_midi_folder",
    "write_midi",
]
