"""Recurrent networks for the zoo: character language models and polyphonic music.

Models: ``rnn/char-rnn`` (tanh), ``rnn/char-lstm``, ``rnn/char-gru`` for text;
``rnn/music-lstm`` and ``rnn/music-gru`` for 88-key piano rolls. The hooks live in
:mod:`zoo_rnn.plugin`.
"""

__version__ = "0.1.0"
