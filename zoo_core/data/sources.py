"""Getting the file behind one download source and proving it is the right one.

Every source carries a sha256; a file whose digest differs is refused, whether it
came from the official site or a mirror, so a mirror can never hand over data that
differs from what the spec promises.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from ..errors import DownloadError
from ..specs import Source
from .download import download_url
from .package_index import download_wheel

__all__ = [
    "describe_source",
    "file_sha256",
    "group_alternatives",
    "retrieve",
    "source_file_name",
]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def retrieve(
    source: Source, folder: Path, *, progress: bool = True, timeout: float = 60.0
) -> Path:
    """Download ``source`` into the empty ``folder`` and verify its sha256.

    Returns:
        The downloaded file, inside ``folder``.

    Raises:
        DownloadError: the transfer failed or the checksum does not match.
    """
    expected = source.sha256.strip().lower()
    if not _SHA256.match(expected):
        raise DownloadError(
            f"its sha256 {source.sha256!r} is not 64 hex digits, so the file "
            "could not be verified"
        )

    if source.kind == "package-index":
        downloaded = download_wheel(source.url, folder, timeout=timeout)
    else:
        downloaded = download_url(
            source.url,
            folder / source_file_name(source),
            expected_size=source.size,
            progress=progress,
            timeout=timeout,
        )

    actual = file_sha256(downloaded)
    if actual != expected:
        raise DownloadError(
            f"sha256 mismatch for {downloaded.name}: got {actual}, expected {expected}"
        )
    return downloaded


def describe_source(source: Source) -> str:
    """A few words naming a source in messages: its URL, or the pip requirement."""
    if source.kind == "package-index":
        return f"{source.url} (package index)"
    return source.url


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file, read in blocks so large files stay out of memory."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_file_name(source: Source) -> str:
    """The name a source's download is saved under: ``filename`` or the URL's end.

    For a package-index source this is its requirement, such as
    ``"recbole==1.2.1"``; pip names the wheel it saves.
    """
    if source.kind == "package-index":
        return source.url
    if source.filename:
        return Path(source.filename).name
    path = urllib.parse.urlparse(source.url).path
    name = Path(urllib.parse.unquote(path)).name
    return name or "download"


def group_alternatives(
    sources: Sequence[Source],
) -> list[tuple[str, list[Source]]]:
    """Split a dataset's sources into its files, each with the sources that serve it.

    Sources that save under the same name (see :func:`source_file_name`) are
    alternatives for one file: the official server and its mirrors. A
    package-index source rebuilds the whole dataset from a wheel, so it joins the
    group of the first URL source; a spec with only package-index sources forms
    one group. Groups keep the order in which their first source appears, and
    each group keeps the spec's order of its sources.

    Returns:
        ``(file name, sources)`` pairs, one per distinct file.
    """
    urls = [source for source in sources if source.kind != "package-index"]
    whole = source_file_name(urls[0] if urls else sources[0]) if sources else ""

    groups: dict[str, list[Source]] = {}
    for source in sources:
        if source.kind == "package-index":
            name = whole
        else:
            name = source_file_name(source)
        groups.setdefault(name, []).append(source)
    return list(groups.items())
