"""A fresh virtual environment for installing sample plugins, as users install them.

The environment is created without pip and given a ``.pth`` file that adds the
site-packages of the interpreter running the tests, so zoo-core, torch and pip are
importable there without downloading anything, while whatever the tests install
goes into the new environment only: its entry points exist nowhere else.

Plugins installed in the running environment stay visible through that ``.pth``
file, so commands run here name the plugins they want in ``ZOO_LOAD_PLUGINS``
unless a test means to see everything.

Test modules load this file by path (it is not a package):
``load_outside_env()`` in each of them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent

_DROPPED = ("ZOO_", "PYTHON", "PIP_", "VIRTUAL_ENV")


class OutsideEnv:
    """One virtual environment under ``root`` and the commands run inside it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.prefix = root / "venv"
        self.work = root / "work"
        self.builds = root / "builds"
        self.python = self.prefix / "bin" / "python"

    @classmethod
    def create(cls, root: Path) -> OutsideEnv:
        """Make the environment; about a second, since pip is not installed."""
        env = cls(root)
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(env.prefix)],
            check=True,
        )
        env.work.mkdir(parents=True)
        env.builds.mkdir()

        own = env._site_packages()
        parents = dict.fromkeys(
            sysconfig.get_paths()[key] for key in ("purelib", "platlib")
        )
        lines = [f"import site; site.addsitedir({path!r})" for path in parents]
        (own / "_zoo_test_parent.pth").write_text("\n".join(lines) + "\n")
        return env

    def _site_packages(self) -> Path:
        completed = subprocess.run(
            [
                str(self.python),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return Path(completed.stdout.strip())

    def environ(self, **extra: str | None) -> dict[str, str]:
        """The environment of a command: no ZOO_ or pip settings leak in from the
        test run, pip never reaches an index, the cache is private, and torch uses
        one thread (the machine runs other tests at the same time).

        A value of ``None`` in ``extra`` removes that variable.
        """
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(_DROPPED)
        }
        environ.update(
            ZOO_CACHE_DIR=str(self.root / "cache"),
            PIP_NO_INDEX="1",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_NO_INPUT="1",
            OMP_NUM_THREADS="1",
        )
        for key, value in extra.items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        return environ

    def run(
        self,
        *arguments: str,
        timeout: float = 300,
        cwd: Path | None = None,
        **extra: str | None,
    ) -> subprocess.CompletedProcess[str]:
        """Run this environment's python with ``arguments`` in ``cwd`` (by default
        the work folder); never raises on a non-zero exit."""
        return subprocess.run(
            [str(self.python), *arguments],
            cwd=cwd or self.work,
            env=self.environ(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def zoo(
        self, *arguments: str, timeout: float = 300, **extra: str | None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``zoo ARGUMENTS`` (as ``python -m zoo_core``) in this environment."""
        return self.run("-m", "zoo_core", *arguments, timeout=timeout, **extra)

    def pip(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        """Run pip here and fail with its output if it fails."""
        completed = self.run("-m", "pip", *arguments)
        if completed.returncode != 0:
            raise AssertionError(
                f"pip {' '.join(arguments)} failed:\n{completed.stdout}"
                f"{completed.stderr}"
            )
        return completed

    def copy_source(self, source: Path) -> Path:
        """A private copy of a plugin's source, so builds never write into the repo."""
        target = self.builds / source.name
        if not target.exists():
            shutil.copytree(
                source, target, ignore=shutil.ignore_patterns("build", "*.egg-info")
            )
        return target

    def install(self, *sources: Path, editable: bool = False) -> None:
        """Install plugin source folders with pip, without dependencies."""
        arguments = ["install", "--no-deps", "--no-build-isolation", "--quiet"]
        for source in sources:
            path = source if editable else self.copy_source(source)
            arguments += ["-e", str(path)] if editable else [str(path)]
        self.pip(*arguments)

    def build_wheel(self, source: Path) -> Path:
        """Build a wheel of a plugin source folder and return its path."""
        dist = self.root / "dist"
        self.pip(
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(dist),
            str(self.copy_source(source)),
        )
        name = source.name.replace("-", "_")
        (wheel,) = dist.glob(f"{name}-*.whl")
        return wheel
