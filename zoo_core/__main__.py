"""Allows ``python -m zoo_core``, which is the same as running ``zoo``."""

from .cli import main

main(prog_name="zoo")
