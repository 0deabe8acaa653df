"""The version of zoo-core, kept in one place for the package and plugin checks."""

__version__ = "0.1.0"
