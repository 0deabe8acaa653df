"""``zoo_core.data.fetch``: verified downloads from a local HTTP server.

Every archive is built inside the test; the server runs on 127.0.0.1 with an
ephemeral port, so nothing here needs the internet.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import http.server
import io
import logging
import os
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from zoo_core.data.extract import archive_kind
from zoo_core.data.fetch import STAGING, fetch
from zoo_core.data.loading import is_present
from zoo_core.data.sources import group_alternatives
from zoo_core.errors import DataError, DownloadError
from zoo_core.specs import DatasetSpec, Source

FILES = {"toy/a.txt": b"alpha\n", "toy/sub/b.txt": b"beta\n" * 1000}


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves the server's routes: path -> (mode, body)."""

    def do_GET(self) -> None:
        server = self.server
        server.hits.append(self.path)  # type: ignore[attr-defined]
        mode, body = server.routes.get(self.path, ("missing", b""))  # type: ignore[attr-defined]
        if mode == "missing":
            self.send_error(404)
            return

        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "stall":
            time.sleep(1.5)
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


class LocalServer:
    """An HTTP server in a thread; ``serve`` publishes bytes under a path."""

    def __init__(self) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.routes = {}  # type: ignore[attr-defined]
        self.httpd.hits = []  # type: ignore[attr-defined]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    @property
    def hits(self) -> list[str]:
        return self.httpd.hits  # type: ignore[attr-defined]

    def serve(self, path: str, body: bytes, mode: str = "ok") -> str:
        self.httpd.routes[path] = (mode, body)  # type: ignore[attr-defined]
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_tar(entries: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def toy_spec(*sources: Source, files: tuple[str, ...] = ("a.txt", "sub/b.txt")):
    return DatasetSpec(
        id="toy",
        task="toy-task",
        summary="A toy dataset",
        loader="toy_loader:load",
        directory="toy",
        files=files,
        sources=sources,
        license="toy terms: research only",
        homepage="https://example.org/toy",
    )


def assert_not_fetched(spec: DatasetSpec, data: Path) -> None:
    """Nothing of a failed fetch may look like a dataset or linger in staging."""
    assert not is_present(spec, data)
    assert not (data / spec.directory).exists()
    assert not (data / STAGING).exists() or not any((data / STAGING).iterdir())


def test_fetch_verifies_and_unpacks_a_zip_without_nesting_its_folder(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip(FILES)
    url = server.serve("/toy.zip", archive)
    spec = toy_spec(Source(url=url, sha256=sha256(archive), size=len(archive)))

    path = fetch(spec, tmp_path / "data", progress=False)

    assert path == tmp_path / "data" / "toy"
    assert (path / "a.txt").read_bytes() == b"alpha\n"
    assert (path / "sub" / "b.txt").read_bytes() == FILES["toy/sub/b.txt"]
    assert not (path / "toy").exists()
    assert is_present(spec, tmp_path / "data")
    assert not (tmp_path / "data" / STAGING).exists()


def test_checksum_mismatch_falls_back_to_the_mirror(
    server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = make_zip(FILES)
    tampered = make_zip({**FILES, "toy/a.txt": b"tampered\n"})
    official = server.serve("/official/toy.zip", tampered)
    mirror = server.serve("/mirror/toy.zip", good)
    spec = toy_spec(
        Source(url=official, sha256=sha256(good)),
        Source(url=mirror, sha256=sha256(good)),
    )

    with caplog.at_level(logging.INFO, logger="zoo_core"):
        path = fetch(spec, tmp_path, progress=False)

    assert (path / "a.txt").read_bytes() == b"alpha\n"
    assert server.hits == ["/official/toy.zip", "/mirror/toy.zip"]
    assert "sha256 mismatch" in caplog.text
    assert "toy terms: research only" in caplog.text


def test_interrupted_transfer_leaves_nothing_that_looks_present(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip(FILES)
    url = server.serve("/toy.zip", archive, mode="truncate")
    spec = toy_spec(Source(url=url, sha256=sha256(archive)))

    with pytest.raises(DownloadError, match="interrupted"):
        fetch(spec, tmp_path, progress=False)

    assert_not_fetched(spec, tmp_path)


def test_interrupted_transfer_is_detected_from_the_declared_size(
    tmp_path: Path,
) -> None:
    archive = make_zip(FILES)
    short = tmp_path / "short.zip"
    short.write_bytes(archive[:100])
    spec = toy_spec(
        Source(url=short.as_uri(), sha256=sha256(archive), size=len(archive))
    )

    with pytest.raises(DownloadError, match=f"100 of {len(archive)} bytes"):
        fetch(spec, tmp_path / "data", progress=False)
    assert_not_fetched(spec, tmp_path / "data")


def test_all_sources_failing_names_each_one_on_one_line(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip(FILES)
    wrong = server.serve("/wrong.zip", archive)
    cut = server.serve("/cut.zip", archive, mode="truncate")
    gone = server.serve("/gone.zip", b"", mode="missing")
    spec = toy_spec(
        Source(url=wrong, sha256="0" * 64),
        Source(url=cut, sha256=sha256(archive)),
        Source(url=gone, sha256=sha256(archive)),
    )

    with pytest.raises(DownloadError) as raised:
        fetch(spec, tmp_path, progress=False)

    message = str(raised.value)
    assert "\n" not in message
    assert f"{wrong}: sha256 mismatch" in message
    assert f"{cut}: transfer interrupted" in message
    assert f"{gone}: HTTP 404" in message
    assert_not_fetched(spec, tmp_path)


def test_timeout_is_reported(server: LocalServer, tmp_path: Path) -> None:
    archive = make_zip(FILES)
    url = server.serve("/slow.zip", archive, mode="stall")
    spec = toy_spec(Source(url=url, sha256=sha256(archive)))

    with pytest.raises(DownloadError, match="timed out after 0.2 s"):
        fetch(spec, tmp_path, progress=False, timeout=0.2)
    assert_not_fetched(spec, tmp_path)


@pytest.mark.parametrize(
    "archive, name",
    [
        (make_zip({"../evil.txt": b"x", **FILES}), "toy.zip"),
        (make_zip({"/abs/evil.txt": b"x", **FILES}), "toy.zip"),
        (make_tar({"toy/../../evil.txt": b"x", **FILES}), "toy.tar.gz"),
        (make_tar(FILES, links={"toy/link": "/etc/passwd"}), "toy.tar.gz"),
    ],
    ids=["zip-dotdot", "zip-absolute", "tar-dotdot", "tar-symlink"],
)
def test_archives_reaching_outside_the_folder_are_rejected(
    server: LocalServer, tmp_path: Path, archive: bytes, name: str
) -> None:
    url = server.serve(f"/{name}", archive)
    spec = toy_spec(Source(url=url, sha256=sha256(archive)))
    data = tmp_path / "data"

    with pytest.raises(DownloadError, match="refusing to extract"):
        fetch(spec, data, progress=False)

    assert_not_fetched(spec, data)
    assert not list(tmp_path.rglob("evil.txt"))


def test_tar_gz_plain_and_gzip_files(server: LocalServer, tmp_path: Path) -> None:
    tar = make_tar(FILES)
    plain = b"one line\n"
    packed = gzip.compress(b"rows\n")
    spec_tar = toy_spec(Source(url=server.serve("/t.tgz", tar), sha256=sha256(tar)))
    spec_plain = toy_spec(
        Source(url=server.serve("/input.txt", plain), sha256=sha256(plain)),
        files=("input.txt",),
    )
    spec_gzip = toy_spec(
        Source(url=server.serve("/rows.csv.gz", packed), sha256=sha256(packed)),
        files=("rows.csv",),
    )

    tar_path = fetch(spec_tar, tmp_path / "a", progress=False)
    plain_path = fetch(spec_plain, tmp_path / "b", progress=False)
    gzip_path = fetch(spec_gzip, tmp_path / "c", progress=False)

    assert (tar_path / "sub" / "b.txt").read_bytes() == FILES["toy/sub/b.txt"]
    assert (plain_path / "input.txt").read_bytes() == plain
    assert (gzip_path / "rows.csv").read_bytes() == b"rows\n"


def test_file_url_source(tmp_path: Path) -> None:
    archive = make_zip(FILES)
    local = tmp_path / "toy.zip"
    local.write_bytes(archive)
    spec = toy_spec(Source(url=local.as_uri(), sha256=sha256(archive)))

    path = fetch(spec, tmp_path / "data", progress=False)

    assert (path / "a.txt").read_bytes() == b"alpha\n"


def test_archive_kind_goes_by_the_file_name() -> None:
    assert archive_kind("ml-100k.zip") == "zip"
    assert archive_kind("x.tar.gz") == "tar"
    assert archive_kind("x.TGZ") == "tar"
    assert archive_kind("x.json.gz") == "gzip"
    assert archive_kind("input.txt") == "file"


def test_archive_missing_a_listed_file_is_a_failed_source(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip({"toy/a.txt": b"alpha\n"})
    spec = toy_spec(
        Source(url=server.serve("/toy.zip", archive), sha256=sha256(archive))
    )

    with pytest.raises(DownloadError, match=r"its files lack sub/b\.txt"):
        fetch(spec, tmp_path, progress=False)
    assert_not_fetched(spec, tmp_path)


def test_present_dataset_is_left_alone_unless_forced(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip(FILES)
    spec = toy_spec(
        Source(url=server.serve("/toy.zip", archive), sha256=sha256(archive))
    )
    path = fetch(spec, tmp_path, progress=False)
    (path / "a.txt").write_bytes(b"edited\n")

    assert fetch(spec, tmp_path, progress=False) == path
    assert server.hits == ["/toy.zip"]
    assert (path / "a.txt").read_bytes() == b"edited\n"

    fetch(spec, tmp_path, progress=False, force=True)
    assert server.hits == ["/toy.zip", "/toy.zip"]
    assert (path / "a.txt").read_bytes() == b"alpha\n"
    assert not (tmp_path / STAGING).exists()


def test_failed_forced_fetch_keeps_the_previous_copy(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip(FILES)
    url = server.serve("/toy.zip", archive)
    spec = toy_spec(Source(url=url, sha256=sha256(archive)))
    path = fetch(spec, tmp_path, progress=False)
    server.serve("/toy.zip", archive, mode="truncate")

    with pytest.raises(DownloadError):
        fetch(spec, tmp_path, progress=False, force=True)
    assert is_present(spec, tmp_path)
    assert (path / "a.txt").read_bytes() == b"alpha\n"


def test_incomplete_folder_in_the_way_needs_force(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip(FILES)
    spec = toy_spec(
        Source(url=server.serve("/toy.zip", archive), sha256=sha256(archive))
    )
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "a.txt").write_bytes(b"mine\n")

    with pytest.raises(DataError, match=r"lacks sub/b\.txt.*--force"):
        fetch(spec, tmp_path, progress=False)
    assert server.hits == []


def test_unwritable_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data directory should be")
    spec = toy_spec(Source(url="http://127.0.0.1:9/toy.zip", sha256="0" * 64))

    with pytest.raises(DataError, match="cannot write to the data directory"):
        fetch(spec, blocker / "data", progress=False)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="file permissions do not bind root",
)
def test_read_only_data_directory_serves_present_data_but_refuses_writes(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip(FILES)
    spec = toy_spec(
        Source(url=server.serve("/toy.zip", archive), sha256=sha256(archive))
    )
    other = toy_spec(Source(url=server.serve("/toy.zip", archive), sha256="0" * 64))
    other = dataclasses.replace(other, id="other", directory="other")
    fetch(spec, tmp_path, progress=False)
    tmp_path.chmod(0o555)
    try:
        assert fetch(spec, tmp_path, progress=False) == tmp_path / "toy"
        with pytest.raises(DataError, match="cannot write to the data directory"):
            fetch(other, tmp_path, progress=False)
    finally:
        tmp_path.chmod(0o755)


def test_bundled_and_sourceless_datasets_are_refused(tmp_path: Path) -> None:
    bundled = DatasetSpec(
        id="digits", task="t", summary="", loader="m:f", bundled=True, plugin="zoo-x"
    )
    sourceless = DatasetSpec(id="mine", task="t", summary="", loader="m:f")

    with pytest.raises(DataError, match="bundled with zoo-x"):
        fetch(bundled, tmp_path)
    with pytest.raises(DataError, match="no download source"):
        fetch(sourceless, tmp_path)


def test_custom_unpack_function_builds_the_layout(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module_folder = tmp_path / "modules"
    module_folder.mkdir()
    (module_folder / "toy_unpack.py").write_text(
        "def to_rows(download, target):\n"
        "    text = download.read_text()\n"
        "    (target / 'rows.tsv').write_text(text.replace(',', '\\t'))\n"
    )
    monkeypatch.syspath_prepend(str(module_folder))
    body = b"1,2\n3,4\n"
    url = server.serve("/rows.csv", body)
    spec = toy_spec(
        Source(url=url, sha256=sha256(body), unpack="toy_unpack:to_rows"),
        files=("rows.tsv",),
    )

    path = fetch(spec, tmp_path / "data", progress=False)

    assert (path / "rows.tsv").read_text() == "1\t2\n3\t4\n"


def make_wheel(folder: Path) -> Path:
    """A minimal wheel pip accepts: a data file plus its metadata."""
    wheel = folder / "toydata-1.0-py3-none-any.whl"
    wheel.write_bytes(
        make_zip(
            {
                "toydata/rows.txt": b"1\t2\n",
                "toydata-1.0.dist-info/METADATA": (
                    b"Metadata-Version: 2.1\nName: toydata\nVersion: 1.0\n"
                ),
                "toydata-1.0.dist-info/WHEEL": (
                    b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                ),
                "toydata-1.0.dist-info/RECORD": b"",
            }
        )
    )
    return wheel


def test_unpack_that_fails_halfway_leaves_nothing_present(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "toy_crash.py").write_text(
        "def half(download, target):\n"
        "    (target / 'a.txt').write_text('alpha')\n"
        "    (target / 'sub').mkdir()\n"
        "    (target / 'sub' / 'b.txt').write_text('beta')\n"
        "    raise RuntimeError('disk trouble')\n"
    )
    monkeypatch.syspath_prepend(str(modules))
    body = b"anything"
    url = server.serve("/toy.bin", body)
    spec = toy_spec(Source(url=url, sha256=sha256(body), unpack="toy_crash:half"))

    with pytest.raises(DownloadError, match="RuntimeError: disk trouble"):
        fetch(spec, tmp_path / "data", progress=False)
    assert_not_fetched(spec, tmp_path / "data")


def test_package_index_source_is_verified_and_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Wheels from a local pip index: a missing version and a bad digest fail over."""
    links = tmp_path / "links"
    links.mkdir()
    digest = sha256(make_wheel(links).read_bytes())
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "toy_wheel.py").write_text(
        "import zipfile\n"
        "def rows(wheel, target):\n"
        "    with zipfile.ZipFile(wheel) as archive:\n"
        "        (target / 'rows.txt').write_bytes(archive.read('toydata/rows.txt'))\n"
    )
    monkeypatch.syspath_prepend(str(modules))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))
    spec = toy_spec(
        *(
            Source(url=url, sha256=sha, kind="package-index", unpack="toy_wheel:rows")
            for url, sha in [
                ("toydata==2.0", digest),
                ("toydata==1.0", "1" * 64),
                ("toydata==1.0", digest),
            ]
        ),
        files=("rows.txt",),
    )

    with caplog.at_level(logging.WARNING, logger="zoo_core"):
        path = fetch(spec, tmp_path / "data", progress=False)

    assert (path / "rows.txt").read_bytes() == b"1\t2\n"
    failures = [record.getMessage() for record in caplog.records]
    assert len(failures) == 2
    assert "toydata==2.0 (package index) failed: pip download" in failures[0]
    assert "toydata==1.0 (package index) failed: sha256 mismatch" in failures[1]


PARTS = {"a.txt.gz": gzip.compress(b"alpha\n"), "b.txt.gz": gzip.compress(b"beta\n")}


def two_file_spec(server: LocalServer, official: set[str], mirror: set[str]):
    """A dataset of two ``.gz`` files; each server serves only the names given."""
    sources = []
    for prefix, served in (("/official/", official), ("/mirror/", mirror)):
        for name, body in PARTS.items():
            mode = "ok" if name in served else "missing"
            url = server.serve(prefix + name, body, mode=mode)
            sources.append(Source(url=url, sha256=sha256(body), size=len(body)))
    return toy_spec(*sources, files=("a.txt", "b.txt"))


def test_each_file_comes_from_the_first_server_that_has_it(
    server: LocalServer, tmp_path: Path
) -> None:
    spec = two_file_spec(server, official={"a.txt.gz"}, mirror=set(PARTS))

    path = fetch(spec, tmp_path, progress=False)

    assert (path / "a.txt").read_bytes() == b"alpha\n"
    assert (path / "b.txt").read_bytes() == b"beta\n"
    assert server.hits == [
        "/official/a.txt.gz",
        "/official/b.txt.gz",
        "/mirror/b.txt.gz",
    ]
    assert is_present(spec, tmp_path)
    assert not (tmp_path / STAGING).exists()


def test_a_file_no_server_has_fails_the_fetch_and_is_named(
    server: LocalServer, tmp_path: Path
) -> None:
    spec = two_file_spec(server, official={"a.txt.gz"}, mirror={"a.txt.gz"})

    with pytest.raises(DownloadError) as raised:
        fetch(spec, tmp_path, progress=False)

    message = str(raised.value)
    assert "no source of b.txt.gz worked" in message
    assert "/official/b.txt.gz: HTTP 404" in message
    assert "/mirror/b.txt.gz: HTTP 404" in message
    assert "no source of a.txt.gz" not in message
    assert_not_fetched(spec, tmp_path)


def test_mirror_with_another_name_is_still_an_alternative(
    server: LocalServer, tmp_path: Path
) -> None:
    archive = make_zip(FILES)
    gone = server.serve("/toy.zip", b"", mode="missing")
    renamed = server.serve("/toy-dataset-v1.zip", archive)
    spec = toy_spec(
        Source(url=gone, sha256=sha256(archive)),
        Source(url=renamed, sha256=sha256(archive)),
        Source(url=server.serve("/never.zip", archive), sha256=sha256(archive)),
    )

    path = fetch(spec, tmp_path, progress=False)

    assert (path / "sub" / "b.txt").read_bytes() == FILES["toy/sub/b.txt"]
    assert server.hits == ["/toy.zip", "/toy-dataset-v1.zip"]


def test_parts_unpacking_one_path_differently_are_refused(
    server: LocalServer, tmp_path: Path
) -> None:
    first = make_zip({"a.txt": b"alpha\n"})
    second = make_zip({"a.txt": b"other\n", "sub/b.txt": b"beta\n"})
    spec = toy_spec(
        Source(url=server.serve("/one.zip", first), sha256=sha256(first)),
        Source(url=server.serve("/two.zip", second), sha256=sha256(second)),
    )

    with pytest.raises(DataError, match="unpack to a.txt with different contents"):
        fetch(spec, tmp_path, progress=False)
    assert_not_fetched(spec, tmp_path)


def test_sources_group_by_file_name_and_package_index_joins_the_first() -> None:
    official = Source(url="https://a.example/data/ml.zip", sha256="0" * 64)
    wheel = Source(url="pkg==1.0", sha256="1" * 64, kind="package-index")
    mirror = Source(url="https://b.example/ml.zip?x=1", sha256="0" * 64)
    other = Source(url="https://b.example/x", sha256="2" * 64, filename="labels.gz")

    groups = group_alternatives([wheel, official, other, mirror])

    assert groups == [("ml.zip", [wheel, official, mirror]), ("labels.gz", [other])]
    assert group_alternatives([wheel]) == [("pkg==1.0", [wheel])]
    assert group_alternatives([]) == []
