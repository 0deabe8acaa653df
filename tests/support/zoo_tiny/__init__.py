"""A tiny in-repo plugin for runtime tests: a small MLP on synthetic 4x4 images.

It is registered directly with ``Registry.from_plugins`` (never installed), so tests
run the real training loop in well under a second.
"""
