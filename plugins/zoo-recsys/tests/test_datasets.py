"""Loading MovieLens 100K (the real files), MovieLens 1M and CSV layouts, and the
split protocols."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from zoo_recsys.splitting import resolve_protocol

from zoo_core.api import load_dataset
from zoo_core.data import cache_dir
from zoo_core.errors import DataError, DatasetMissingError


@pytest.fixture
def recsys(load_plugins):
    return load_plugins("zoo-recsys")


def _pairs(split) -> set[tuple[int, int]]:
    catalog = split.catalog
    return {
        (int(catalog.user_ids[u]), int(catalog.item_ids[i]))
        for u, i in zip(split.users.tolist(), split.items.tolist())
    }


def test_ml100k_random_80_20(recsys, shared_data: Path) -> None:
    bundle = load_dataset("movielens-100k", data_dir=shared_data, split="random-80-20")
    train, test = bundle.split("train"), bundle.split("test")
    assert (len(train), len(test)) == (80_000, 20_000)
    assert "valid" not in bundle.splits
    info = bundle.info
    assert (info["num_users"], info["num_items"]) == (943, 1682)
    assert (info["rating_min"], info["rating_max"]) == (1.0, 5.0)
    assert info["global_mean"] == pytest.approx(float(train.ratings.mean()), abs=1e-5)
    assert 3.4 < info["global_mean"] < 3.7

    # The first line of u.data is "196 242 3": the ids survive the encoding.
    assert (196, 242) in _pairs(train) | _pairs(test)
    assert train.catalog.titles()[1] == "Toy Story (1995)"


def test_ml100k_kfold_covers_every_rating_once(recsys, shared_data: Path) -> None:
    seen: list[set[tuple[int, int]]] = []
    for fold in range(5):
        bundle = load_dataset(
            "movielens-100k", data_dir=shared_data, split="kfold", fold=fold, seed=3
        )
        assert len(bundle.split("test")) == 20_000
        assert not _pairs(bundle.split("train")) & _pairs(bundle.split("test"))
        seen.append(_pairs(bundle.split("test")))
    assert len(set().union(*seen)) == 100_000


def test_ml100k_per_user_811(recsys, shared_data: Path) -> None:
    bundle = load_dataset("movielens-100k", data_dir=shared_data, split="per-user-811")
    sizes = {name: len(split) for name, split in bundle.splits.items()}
    assert sizes == {"train": 80_808, "valid": 9_596, "test": 9_596}
    for name in ("train", "valid", "test"):
        assert len(torch.unique(bundle.split(name).users)) == 943


def test_same_seed_same_split_and_cache_reused(recsys, shared_data: Path) -> None:
    first = load_dataset("movielens-100k", data_dir=shared_data, seed=5)
    cached = list(cache_dir("datasets", "movielens-100k").glob("ratings-*.npz"))
    assert len(cached) == 1

    again = load_dataset("movielens-100k", data_dir=shared_data, seed=5)
    other = load_dataset("movielens-100k", data_dir=shared_data, seed=6)
    assert torch.equal(first.split("test").users, again.split("test").users)
    assert torch.equal(first.split("test").items, again.split("test").items)
    assert not torch.equal(first.split("test").items, other.split("test").items)


def test_valid_fraction_adds_a_valid_split(recsys, shared_data: Path) -> None:
    bundle = load_dataset(
        "movielens-100k", data_dir=shared_data, split="kfold", valid_fraction=0.1
    )
    sizes = {name: len(split) for name, split in bundle.splits.items()}
    assert sizes == {"train": 70_000, "valid": 10_000, "test": 20_000}


def test_auto_protocol_follows_the_task() -> None:
    assert resolve_protocol("auto", "item-ranking") == "per-user-811"
    assert resolve_protocol("auto", "rating-prediction") == "random-80-20"
    assert resolve_protocol("kfold", "item-ranking") == "kfold"


def test_bad_fold_is_a_config_error(recsys, shared_data: Path) -> None:
    from zoo_core.errors import ConfigError

    with pytest.raises(ConfigError, match="data.fold"):
        load_dataset(
            "movielens-100k", data_dir=shared_data, split="kfold", folds=3, fold=3
        )


def test_missing_ml100k_names_the_fix(recsys, tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError, match="u.data"):
        load_dataset("movielens-100k", data_dir=tmp_path)


def test_ml1m_layout(recsys, tmp_path: Path) -> None:
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    lines = [
        f"{u}::{m}::{(u + m) % 5 + 1}::97830{u}{m}"
        for u in (1, 2, 3)
        for m in (10, 20, 30, 40)
    ]
    (folder / "ratings.dat").write_text("\n".join(lines) + "\n", encoding="latin-1")
    (folder / "movies.dat").write_text(
        "10::Heat (1995)::Action|Crime\n20::Casino (1995)::Drama\n"
        "30::Sabrina (1995)::Comedy\n40::Clueless (1995)::Comedy\n",
        encoding="latin-1",
    )

    bundle = load_dataset("movielens-1m", data_dir=tmp_path, split="random-80-20")
    assert (bundle.info["num_users"], bundle.info["num_items"]) == (3, 4)
    assert sum(len(split) for split in bundle.splits.values()) == 12
    assert bundle.split("train").catalog.titles()[20] == "Casino (1995)"


def test_ratings_csv(recsys, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    rows = [
        f"u{u};film {i};{(u * i) % 10 / 2 + 0.5}" for u in range(6) for i in range(5)
    ]
    path.write_text("who;what;stars\n" + "\n".join(rows) + "\n", encoding="utf-8")

    bundle = load_dataset(
        "ratings-csv",
        data_dir=tmp_path,
        path=str(path),
        user_col="who",
        item_col="what",
        rating_col="stars",
        sep=";",
        rating_min=0.5,
        rating_max=5.0,
    )
    catalog = bundle.split("train").catalog
    assert (catalog.num_users, catalog.num_items) == (6, 5)
    assert catalog.user_index("u3") is not None
    assert (bundle.info["rating_min"], bundle.info["rating_max"]) == (0.5, 5.0)
    assert np.isclose(
        float(torch.cat([s.ratings for s in bundle.splits.values()]).sum()),
        sum((u * i) % 10 / 2 + 0.5 for u in range(6) for i in range(5)),
    )


def test_ratings_csv_needs_a_path(recsys, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="data.path"):
        load_dataset("ratings-csv", data_dir=tmp_path)


def test_ratings_csv_rating_out_of_range(recsys, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("user_id,item_id,rating\na,x,3\nb,y,9\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 3"):
        load_dataset("ratings-csv", data_dir=tmp_path, path=str(path), rating_max=5.0)
