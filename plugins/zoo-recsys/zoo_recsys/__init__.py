"""Recommender systems for the zoo: rating prediction and top-k item ranking."""

__version__ = "0.1.0"
