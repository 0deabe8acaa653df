"""Generative adversarial networks for the zoo: ``gan/dcgan`` and ``gan/cgan``.

The package imports nothing heavy; the models, the training procedure and the
Fréchet distance live in their own modules and load when a run needs them.
"""

__version__ = "0.1.0"
