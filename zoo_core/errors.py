"""Domain errors raised by the library.

The CLI turns each of these into one ``Error: ...`` line. ``exit_code`` follows the
promise in the CLI reference: 2 for bad usage or bad input, 1 for a failure while
running.
"""

from __future__ import annotations

__all__ = [
    "CheckpointError",
    "ConfigError",
    "ConflictError",
    "DataError",
    "DatasetMissingError",
    "DeviceError",
    "DownloadError",
    "NotFoundError",
    "PluginError",
    "TrainingError",
    "ZooError",
]


class ZooError(Exception):
    """Base class of every error the zoo reports to its users."""

    exit_code = 1


class NotFoundError(ZooError):
    """A model, dataset, task or plugin id that nothing registered."""

    exit_code = 2


class ConflictError(ZooError):
    """Two plugins registered the same id, so neither is used."""

    exit_code = 2


class ConfigError(ZooError):
    """A hyperparameter, option or config file that does not fit the spec."""

    exit_code = 2


class DeviceError(ZooError):
    """A device was asked for that this machine does not have."""

    exit_code = 2


class DataError(ZooError):
    """Input data that cannot be used: malformed, empty, out of range."""

    exit_code = 2


class DatasetMissingError(DataError):
    """A dataset is not in the data directory."""


class DownloadError(ZooError):
    """Every source of a dataset failed to download or verify."""

    exit_code = 1


class CheckpointError(ZooError):
    """A run directory or checkpoint that is missing, corrupt or foreign."""

    exit_code = 2


class PluginError(ZooError):
    """A plugin failed to load or one of its hooks raised."""

    exit_code = 1


class TrainingError(ZooError):
    """Training failed while running, for example the loss diverged."""

    exit_code = 1
