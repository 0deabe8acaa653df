"""Downloading one file over http(s) or from a ``file:`` URL, with a progress bar.

A transfer that ends before the size the server announced (or the size the source
declares) is reported as interrupted, because ``urllib`` itself returns a short
body without complaint. Transfers are not resumed: the next try starts again from
the first byte.
"""

from __future__ import annotations

import http.client
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tqdm import tqdm

from .._version import __version__
from ..errors import DownloadError

__all__ = ["download_url"]

_CHUNK = 1 << 16


def download_url(
    url: str,
    destination: Path,
    *,
    expected_size: int | None = None,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Save ``url`` to ``destination``, showing progress on stderr.

    Args:
        url: an ``http``, ``https`` or ``file`` address.
        destination: the file to write; its folder must exist.
        expected_size: bytes the source declares, used when the server sends no
            ``Content-Length``.
        progress: show a tqdm bar on stderr.
        timeout: seconds to wait for the connection and for each read.

    Returns:
        ``destination``.

    Raises:
        DownloadError: the server refused, the connection failed or timed out, or
            fewer bytes arrived than announced.
    """
    request = urllib.request.Request(url, headers={"User-Agent": f"zoo/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            announced = _content_length(response)
            total = announced if announced is not None else expected_size
            received = _copy_with_progress(response, destination, total, progress)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        parts = urllib.parse.urlsplit(url)
        where = (
            f"read {parts.path}"
            if parts.scheme == "file"
            else f"reach {parts.hostname}"
        )
        reason = _describe_os_error(exc.reason, timeout)
        raise DownloadError(f"cannot {where}: {reason}") from None
    except http.client.IncompleteRead:
        raise DownloadError(
            "transfer interrupted: the connection closed before the end"
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        raise DownloadError(_describe_os_error(exc, timeout)) from None

    for size in (announced, expected_size):
        if size is not None and received < size:
            raise DownloadError(
                f"transfer interrupted: received {received} of {size} bytes"
            )
    if expected_size is not None and received > expected_size:
        raise DownloadError(
            f"received {received} bytes, more than the {expected_size} the source "
            "declares"
        )
    return destination


def _content_length(response: object) -> int | None:
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _copy_with_progress(
    response: object, destination: Path, total: int | None, progress: bool
) -> int:
    """Stream the response body into ``destination``; the number of bytes read."""
    received = 0
    with (
        destination.open("wb") as output,
        tqdm(
            total=total,
            desc=destination.name,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
            disable=not progress,
        ) as bar,
    ):
        while True:
            chunk = response.read(_CHUNK)  # type: ignore[attr-defined]
            if not chunk:
                break
            output.write(chunk)
            received += len(chunk)
            bar.update(len(chunk))
    return received


def _describe_os_error(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s without data"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
