"""The MovieLens 100K mirror: GroupLens files rebuilt from RecBole's wheel.

The offline tests feed ``recbole_to_grouplens`` a small wheel written here, with
made-up rows in RecBole's format. The network test downloads the real wheel from
PyPI through ``fetch`` and compares the result with the shared test copy.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from zoo_core.data.fetch import fetch
from zoo_core.errors import DataError
from zoo_core.specs import DatasetSpec, Source

RECSYS = Path(__file__).resolve().parents[1] / "plugins" / "zoo-recsys"
FOLDER = "recbole/dataset_example/ml-100k/"
RECBOLE_WHEEL_SHA256 = (
    "9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407"
)

INTER = (
    "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
    "2\t10\t4.0\t880000000\n"
    "1\t267\t1\t880000001\n"
    "1\t10\t5\t880000002\n"
)
ITEM = (
    "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
    "10\tCafé Imaginaire, Le\t1995\tDrama Musical\n"
    "267\tunkonwn\tunkonwn\tunknown\n"
    "300\tSome Giving (1995)\tV\tAnimation Children's\n"
)
USER = (
    "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\n"
    "1\t24\tM\ttechnician\t85711\n"
    "2\t53\tF\tother\tT8H1N\n"
)


@pytest.fixture
def mirror(monkeypatch: pytest.MonkeyPatch):
    """The plugin's mirror module, importable whether or not zoo-recsys is installed."""
    monkeypatch.syspath_prepend(str(RECSYS))
    from zoo_recsys import mirror

    return mirror


def write_wheel(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(FOLDER + name, text.encode("utf-8"))
    return path


def test_atomic_files_become_the_grouplens_layout(mirror, tmp_path: Path) -> None:
    wheel = write_wheel(
        tmp_path / "recbole.whl",
        {"ml-100k.inter": INTER, "ml-100k.item": ITEM, "ml-100k.user": USER},
    )
    target = tmp_path / "out"
    target.mkdir()

    mirror.recbole_to_grouplens(wheel, target)

    assert (target / "u.data").read_text() == (
        "2\t10\t4\t880000000\n1\t267\t1\t880000001\n1\t10\t5\t880000002\n"
    )
    drama, musical = mirror.GENRES.index("Drama"), mirror.GENRES.index("Musical")
    flags = ["0"] * 19
    flags[drama] = flags[musical] = "1"
    items = (target / "u.item").read_bytes().decode("latin-1").splitlines()
    title = "Café Imaginaire, Le (1995)"
    assert items[0] == "|".join(["10", title, "", "", "", *flags])
    assert items[1] == "267|unknown||||1" + "|0" * 18
    assert items[2].startswith("300|Some Giving (1995) (V)||||0|0|0|1|1|0")
    assert "é".encode("latin-1") in (target / "u.item").read_bytes()
    assert (target / "u.user").read_text() == (
        "1|24|M|technician|85711\n2|53|F|other|T8H1N\n"
    )
    assert (target / "u.occupation").read_text() == "other\ntechnician\n"
    assert (target / "u.genre").read_text().endswith("War|17\nWestern|18\n\n")
    assert (target / "u.info").read_text() == "2 users\n3 items\n3 ratings\n"
    readme = (target / "README.txt").read_text()
    assert "recbole.whl" in readme and "research only" in readme


def test_missing_user_file_skips_u_user(mirror, tmp_path: Path) -> None:
    wheel = write_wheel(
        tmp_path / "r.whl", {"ml-100k.inter": INTER, "ml-100k.item": ITEM}
    )

    mirror.recbole_to_grouplens(wheel, tmp_path)

    assert not (tmp_path / "u.user").exists()
    assert (tmp_path / "u.info").read_text().startswith("2 users\n")


@pytest.mark.parametrize(
    "files, message",
    [
        (
            {"ml-100k.item": ITEM},
            r"has no recbole/dataset_example/ml-100k/ml-100k\.inter",
        ),
        (
            {"ml-100k.inter": INTER + "3\t4\t5\n", "ml-100k.item": ITEM},
            r"ml-100k\.inter line 5: expected 4 tab-separated fields",
        ),
        (
            {"ml-100k.inter": INTER + "3\t4\t2.5\t1\n", "ml-100k.item": ITEM},
            r"ml-100k\.inter line 5: expected a whole number, not '2\.5'",
        ),
        (
            {"ml-100k.inter": INTER, "ml-100k.item": ITEM + "9\tX\t1990\tNoir\n"},
            r"ml-100k\.item line 5: genre 'Noir'",
        ),
    ],
    ids=["no-inter", "short-line", "fractional", "bad-genre"],
)
def test_malformed_wheels_are_reported(
    mirror, tmp_path: Path, files: dict[str, str], message: str
) -> None:
    wheel = write_wheel(tmp_path / "r.whl", files)

    with pytest.raises(DataError, match=message):
        mirror.recbole_to_grouplens(wheel, tmp_path)


@pytest.mark.network
def test_fetch_from_the_pypi_mirror_matches_movielens(
    mirror, tmp_path: Path, shared_data: Path
) -> None:
    """pip downloads recbole 1.2.1; the rebuilt files match the shared copy."""
    spec = DatasetSpec(
        id="movielens-100k",
        task="rating-prediction",
        summary="MovieLens 100K",
        loader="zoo_recsys.datasets:load",
        directory="ml-100k",
        files=("u.data", "u.item", "u.user"),
        sources=(
            Source(
                url="recbole==1.2.1",
                sha256=RECBOLE_WHEEL_SHA256,
                kind="package-index",
                unpack="zoo_recsys.mirror:recbole_to_grouplens",
            ),
        ),
        license="GroupLens terms: research use only",
    )

    path = fetch(spec, tmp_path, progress=False, timeout=30)

    assert path == tmp_path / "ml-100k"
    shared = shared_data / "ml-100k"
    rows = set((path / "u.data").read_text().splitlines())
    assert len(rows) == 100_000
    assert rows == set((shared / "u.data").read_text().splitlines())
    for name in ("u.item", "u.user", "u.genre", "u.occupation", "u.info"):
        assert (path / name).read_bytes() == (shared / name).read_bytes(), name
