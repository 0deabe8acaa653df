"""Downloading a wheel from the Python package index with pip, without installing it.

Some packages ship a copy of a dataset inside their wheel. The index they live on
is often reachable where the dataset's own site is not, so such a wheel serves as
a mirror. pip's own configuration (``pip.conf``, ``PIP_INDEX_URL``...) chooses the
index, so a private mirror or an offline ``--find-links`` folder works unchanged.

pip's output is captured so that stdout stays for results; as a consequence no
progress bar is shown while pip downloads.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from ..errors import DownloadError

__all__ = ["download_wheel"]

logger = logging.getLogger(__name__)


def download_wheel(requirement: str, folder: Path, *, timeout: float = 60.0) -> Path:
    """Fetch the wheel that satisfies ``requirement`` into ``folder``.

    Args:
        requirement: a pinned pip requirement such as ``"recbole==1.2.1"``.
        folder: an empty folder that receives the wheel.
        timeout: pip's network timeout in seconds; the whole call may take twenty
            times as long before it is abandoned.

    Returns:
        The downloaded wheel.

    Raises:
        DownloadError: pip failed, ran too long, or saved no file.
    """
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--no-input",
        "--progress-bar",
        "off",
        "--timeout",
        f"{timeout:g}",
        "--dest",
        str(folder),
        requirement,
    ]
    logger.debug("running %s", " ".join(command))
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=max(20 * timeout, 60.0),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DownloadError(f"pip download {requirement} did not finish") from None
    except OSError as exc:
        raise DownloadError(f"could not run pip: {exc}") from None

    if completed.returncode != 0:
        raise DownloadError(
            f"pip download {requirement} failed: {_last_line(completed.stderr)}"
        )
    files = sorted(path for path in folder.iterdir() if path.is_file())
    if len(files) != 1:
        names = ", ".join(path.name for path in files) or "nothing"
        raise DownloadError(
            f"pip download {requirement} saved {names}, expected one wheel"
        )
    return files[0]


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
