"""``zoo data fetch`` through the command line, with a fake plugin's dataset.

The dataset's sources point at a local HTTP server (from ``test_fetch``), so the
command runs its real download path without the internet.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from zoo_core import hookimpl
from zoo_core.cli import main
from zoo_core.registry import Registry, use_registry
from zoo_core.specs import DatasetSpec, Source

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_fetch import FILES, LocalServer, make_zip, sha256  # noqa: E402


class FakePlugin:
    """Registers the datasets it is given, as an installed plugin would."""

    def __init__(self, *specs: DatasetSpec) -> None:
        self.specs = specs

    @hookimpl
    def zoo_register_datasets(self, register: Callable[[DatasetSpec], None]) -> None:
        for spec in self.specs:
            register(spec)


def toy(dataset_id: str, *sources: Source, bundled: bool = False) -> DatasetSpec:
    return DatasetSpec(
        id=dataset_id,
        task="toy-task",
        summary="A toy dataset",
        loader="toy_loader:load",
        directory=dataset_id,
        files=("a.txt", "sub/b.txt"),
        sources=sources,
        license="toy terms: research only",
        bundled=bundled,
    )


@pytest.fixture
def zoo(tmp_path: Path) -> Iterator[Callable[..., Result]]:
    """Runs ``zoo ARGS`` with a fake plugin whose datasets the local server hosts."""
    server = LocalServer()
    archive = make_zip(FILES)
    good = server.serve("/toy.zip", archive)
    cut = server.serve("/cut.zip", archive, mode="truncate")
    plugin = FakePlugin(
        toy("toy", Source(url=good, sha256=sha256(archive))),
        toy(
            "broken",
            Source(url=cut, sha256=sha256(archive)),
            Source(url=good, sha256="0" * 64),
        ),
        toy("digits", bundled=True),
    )
    registry = Registry.from_plugins(("zoo-fake", plugin))

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        with use_registry(registry):
            return CliRunner().invoke(main, list(args), env=env)

    yield run
    server.close()


def test_fetch_prints_the_folder_on_stdout_and_terms_on_stderr(
    zoo: Callable[..., Result], tmp_path: Path
) -> None:
    result = zoo("data", "fetch", "toy", "--data-dir", str(tmp_path))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'toy'}\n"
    assert "toy terms: research only" in result.stderr
    assert (tmp_path / "toy" / "sub" / "b.txt").read_bytes() == FILES["toy/sub/b.txt"]


def test_fetch_again_says_present_and_force_downloads(
    zoo: Callable[..., Result], tmp_path: Path
) -> None:
    zoo("data", "fetch", "toy", "--data-dir", str(tmp_path))
    (tmp_path / "toy" / "a.txt").write_text("edited\n")

    again = zoo("data", "fetch", "toy", env={"ZOO_DATA_DIR": str(tmp_path)})
    forced = zoo("data", "fetch", "toy", "--data-dir", str(tmp_path), "--force")

    assert again.exit_code == 0
    assert "already in" in again.stderr
    assert again.stdout == f"{tmp_path / 'toy'}\n"
    assert forced.exit_code == 0
    assert (tmp_path / "toy" / "a.txt").read_text() == "alpha\n"


def test_every_source_failing_exits_1_with_one_error_line(
    zoo: Callable[..., Result], tmp_path: Path
) -> None:
    result = zoo("data", "fetch", "broken", "--data-dir", str(tmp_path))

    assert result.exit_code == 1
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "cut.zip: transfer interrupted" in errors[0]
    assert "toy.zip: sha256 mismatch" in errors[0]
    assert not (tmp_path / "broken").exists()


def test_unknown_dataset_exits_2(zoo: Callable[..., Result], tmp_path: Path) -> None:
    result = zoo("data", "fetch", "tyo", "--data-dir", str(tmp_path))

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no dataset named 'tyo'; did you mean toy?")


def test_bundled_dataset_needs_no_download(
    zoo: Callable[..., Result], tmp_path: Path
) -> None:
    result = zoo("data", "fetch", "digits", "--data-dir", str(tmp_path))

    assert result.exit_code == 0
    assert result.stdout == ""
    assert "bundled with zoo-fake; it needs no download" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unwritable_data_directory_exits_2(
    zoo: Callable[..., Result], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    result = zoo("data", "fetch", "toy", "--data-dir", str(blocker / "data"))

    assert result.exit_code == 2
    assert "Error: cannot write to the data directory" in result.stderr


def test_help_shows_examples(zoo: Callable[..., Result]) -> None:
    result = zoo("data", "fetch", "--help")

    assert result.exit_code == 0
    assert "zoo data fetch movielens-100k" in result.stdout
    assert "--force" in result.stdout
