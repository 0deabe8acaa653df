"""Fetching a registered dataset into the data directory, verified and atomically.

Each source of the spec is tried in order, official first. A source's file is
downloaded and unpacked inside the data directory's hidden ``.staging`` folder;
only a complete, verified copy is renamed into place. So an interrupted or failed
fetch never leaves a folder that looks like a finished dataset.

A process killed outright (power loss, ``kill -9``) can leave its partial files
under ``.staging``; they never count as a dataset, and deleting that folder is safe
whenever no fetch is running.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from ..errors import DataError, DownloadError, ZooError
from ..specs import DatasetSpec, Source
from .dirs import data_dir
from .extract import unpack
from .loading import is_present
from .sources import describe_source, retrieve

__all__ = ["STAGING", "fetch"]

logger = logging.getLogger(__name__)

STAGING = ".staging"
"""The hidden folder of the data directory where downloads are assembled."""


def fetch(
    spec: DatasetSpec,
    directory: str | os.PathLike[str] | None = None,
    *,
    progress: bool = True,
    force: bool = False,
    timeout: float = 60.0,
) -> Path:
    """Download ``spec`` into the data directory, trying its sources in order.

    Args:
        spec: the dataset, with at least one source.
        directory: the data directory; defaults to ``ZOO_DATA_DIR`` or the user
            cache (see :func:`zoo_core.data.data_dir`).
        progress: show a progress bar on stderr while downloading.
        force: download again and replace the dataset's folder even if present.
        timeout: seconds to wait for a connection or for the next bytes.

    Returns:
        The dataset's folder, ``data_dir / spec.directory``.

    Raises:
        DataError: the spec cannot be fetched (bundled, no sources), the data
            directory is not writable, or an incomplete folder is in the way.
        DownloadError: every source failed; the message names each and why.
    """
    _check_fetchable(spec)
    root = data_dir(directory)
    destination = root / spec.directory
    if is_present(spec, directory) and not force:
        logger.info(
            "%s is already in %s; fetch with --force to download it again",
            spec.id,
            destination,
        )
        return destination
    if destination.exists() and not force:
        missing = [name for name in spec.files if not (destination / name).exists()]
        raise DataError(
            f"{destination} exists but lacks {', '.join(missing) or 'files'}; "
            "move it away, or fetch with --force to replace it"
        )

    staging = _open_staging(root, spec)
    _announce_terms(spec)
    try:
        return _fetch_into(spec, destination, staging, progress, timeout)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_if_empty(root / STAGING)


def _fetch_into(
    spec: DatasetSpec,
    destination: Path,
    staging: Path,
    progress: bool,
    timeout: float,
) -> Path:
    failures: list[str] = []
    for number, source in enumerate(spec.sources):
        attempt = staging / f"source-{number}"
        try:
            folder = _try_source(spec, source, attempt, progress, timeout)
        except Exception as exc:  # each source may fail in its own way; try the next
            reason = _reason(exc)
            logger.warning(
                "%s: %s failed: %s", spec.id, describe_source(source), reason
            )
            failures.append(f"{describe_source(source)}: {reason}")
            shutil.rmtree(attempt, ignore_errors=True)
            continue

        _install(folder, destination, staging)
        logger.info("%s is ready in %s", spec.id, destination)
        return destination

    raise DownloadError(
        f"could not fetch {spec.id}: "
        + "; ".join(failures)
        + f". Check the network, or put the files into {destination} yourself"
    )


def _try_source(
    spec: DatasetSpec, source: Source, attempt: Path, progress: bool, timeout: float
) -> Path:
    """Download, verify and unpack one source; the folder holding the dataset."""
    download_folder = attempt / "download"
    unpacked = attempt / "unpacked"
    download_folder.mkdir(parents=True)
    unpacked.mkdir()

    logger.info("%s: downloading from %s", spec.id, describe_source(source))
    downloaded = retrieve(source, download_folder, progress=progress, timeout=timeout)
    unpack(source, downloaded, unpacked)

    folder = _dataset_folder(unpacked, PurePosixPath(spec.directory).name)
    missing = [name for name in spec.files if not (folder / name).exists()]
    if missing:
        raise DataError(f"its files lack {', '.join(missing)}")
    return folder


def _dataset_folder(unpacked: Path, name: str) -> Path:
    """The unpacked folder, or its only entry when that is a folder named ``name``.

    Archives such as ``ml-100k.zip`` hold a single ``ml-100k/`` folder; using it
    directly keeps the layout ``data_dir/ml-100k/u.data`` instead of nesting twice.
    """
    entries = list(unpacked.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and entries[0].name == name:
        return entries[0]
    return unpacked


def _install(folder: Path, destination: Path, staging: Path) -> None:
    """Rename ``folder`` to ``destination``, moving any previous copy aside first.

    A folder cannot be renamed over a non-empty one, so with ``--force`` there is
    a moment between the two renames when neither copy is in place.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    previous = staging / "previous"
    if destination.exists():
        os.replace(destination, previous)

    try:
        os.replace(folder, destination)
    except OSError:
        if previous.exists():
            os.replace(previous, destination)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _check_fetchable(spec: DatasetSpec) -> None:
    if spec.bundled:
        raise DataError(
            f"dataset {spec.id} is bundled with {spec.plugin or 'its plugin'} "
            "and needs no download"
        )
    if not spec.sources:
        raise DataError(
            f"dataset {spec.id} has no download source; point its path option "
            "at your own files"
        )

    parts = PurePosixPath(spec.directory).parts
    if not parts or ".." in parts or PurePosixPath(spec.directory).is_absolute():
        raise DataError(
            f"dataset {spec.id} declares directory {spec.directory!r}, which is not "
            f"a folder name inside the data directory; this is a bug in plugin "
            f"{spec.plugin or '?'}"
        )


def _announce_terms(spec: DatasetSpec) -> None:
    """Log the terms the user accepts by downloading, before any byte arrives."""
    where = f" (see {spec.homepage})" if spec.homepage else ""
    if spec.license:
        logger.info("Terms of %s: %s%s", spec.id, spec.license, where)
    else:
        logger.warning(
            "%s states no license; check its terms before use%s", spec.id, where
        )
    if spec.citation:
        logger.info("%s: please cite %s", spec.id, spec.citation)


def _open_staging(root: Path, spec: DatasetSpec) -> Path:
    """A fresh folder under ``root/.staging``; DataError if ``root`` is read-only."""
    try:
        (root / STAGING).mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{spec.id}-", dir=root / STAGING))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DataError(
            f"cannot write to the data directory {root}: {reason}; "
            "`zoo data fetch` needs a writable one: pass --data-dir or set "
            "ZOO_DATA_DIR"
        ) from None


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _reason(exc: BaseException) -> str:
    """The failure of one source on one line, for the combined error message."""
    text = str(exc) if isinstance(exc, ZooError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())
