"""Turning a verified download into files: unpack archives, refusing unsafe members.

Archives are extracted member by member rather than with ``extractall``, so every
name is checked first: an absolute path, a ``..`` part, a link or a device file
makes the whole archive fail instead of writing outside the dataset's folder.
"""

from __future__ import annotations

import gzip
import shutil
import tarfile
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO

from .._lazy import resolve_target
from ..errors import DataError
from ..specs import Source

__all__ = ["archive_kind", "extract", "unpack"]

_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


def unpack(source: Source, downloaded: Path, target: Path) -> None:
    """Turn ``downloaded`` into the dataset's files inside the existing ``target``.

    The source's own ``unpack`` function runs when it names one; otherwise the file
    is extracted or copied according to its name (see :func:`extract`).
    """
    if source.unpack:
        function = resolve_target(source.unpack, f"source {source.url}")
        function(downloaded, target)
        return
    extract(downloaded, target, name=source.filename or downloaded.name)


def archive_kind(name: str) -> str:
    """``"zip"``, ``"tar"``, ``"gzip"`` or ``"file"``, judged by a file name."""
    lowered = name.lower()
    if lowered.endswith(".zip"):
        return "zip"
    if lowered.endswith(_TAR_SUFFIXES):
        return "tar"
    if lowered.endswith(".gz"):
        return "gzip"
    return "file"


def extract(path: Path, target: Path, *, name: str | None = None) -> None:
    """Extract a zip or tar archive, decompress a ``.gz`` file, or copy a plain file.

    Args:
        path: the downloaded file.
        target: an existing folder that receives the contents.
        name: the file name that decides the kind; defaults to ``path.name``.

    Raises:
        DataError: the archive is unreadable or holds a member that would land
            outside ``target``.
    """
    name = Path(name or path.name).name
    kind = archive_kind(name)
    try:
        if kind == "zip":
            _extract_zip(path, target, name)
        elif kind == "tar":
            _extract_tar(path, target, name)
        elif kind == "gzip":
            with gzip.open(path, "rb") as stream:
                _write(stream, target / name[: -len(".gz")])
        else:
            shutil.copyfile(path, target / name)
    except (zipfile.BadZipFile, tarfile.TarError, gzip.BadGzipFile, EOFError) as exc:
        raise DataError(f"{name} is not a readable {kind} archive: {exc}") from None


def _extract_zip(path: Path, target: Path, name: str) -> None:
    with zipfile.ZipFile(path) as archive:
        members = [
            (info, _member_path(target, info.filename, name))
            for info in archive.infolist()
        ]
        for info, destination in members:
            if destination is None:
                continue
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as stream:
                _write(stream, destination)


def _extract_tar(path: Path, target: Path, name: str) -> None:
    with tarfile.open(path) as archive:
        members = archive.getmembers()
        checked = [
            (member, _member_path(target, member.name, name)) for member in members
        ]
        for member, _ in checked:
            if not (member.isfile() or member.isdir()):
                raise DataError(
                    f"{name}: member {member.name!r} is a link or special file; "
                    "refusing to extract the archive"
                )

        for member, destination in checked:
            if destination is None:
                continue
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            stream = archive.extractfile(member)
            if stream is None:
                raise DataError(f"{name}: member {member.name!r} has no data")
            with stream:
                _write(stream, destination)


def _member_path(target: Path, member: str, archive: str) -> Path | None:
    """Where ``member`` lands inside ``target``, ``None`` for the archive root.

    Raises DataError if the member would land outside ``target``.
    """
    posix = PurePosixPath(member.replace("\\", "/"))
    escapes = (
        posix.is_absolute()
        or ".." in posix.parts
        or bool(PureWindowsPath(member).drive)
    )
    if escapes:
        raise DataError(
            f"{archive}: member {member!r} would be written outside the dataset "
            "folder; refusing to extract the archive"
        )
    if not posix.parts:
        return None
    return target.joinpath(*posix.parts)


def _write(stream: IO[bytes], destination: Path) -> None:
    with destination.open("wb") as output:
        shutil.copyfileobj(stream, output, length=1 << 20)
