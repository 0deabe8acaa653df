"""Short real runs through the runtime: train, evaluate and predict on MovieLens."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from zoo_core.cli import main
from zoo_core.errors import DataError
from zoo_core.runtime.evaluation import evaluate_run
from zoo_core.runtime.run import LoadedRun
from zoo_core.runtime.trainer import TrainRequest, train


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("recsys-runs")


def _train(model: str, out: Path, data: Path, **overrides: object) -> Path:
    request = TrainRequest(
        model=model,
        dataset="movielens-100k",
        overrides=dict(overrides),
        seed=0,
        out=out,
        data_dir=data,
        device="cpu",
        progress=False,
    )
    return train(request).run_dir


@pytest.fixture
def mf_run(load_plugins, shared_data: Path, module_tmp: Path) -> Path:
    load_plugins("zoo-recsys")
    run_dir = module_tmp / "mf"
    if not (run_dir / "config.json").exists():
        _train("recsys/mf", run_dir, shared_data, epochs=2)
    return run_dir


def test_mf_trains_and_beats_the_global_mean(mf_run: Path) -> None:
    scores = evaluate_run(mf_run, split="test", device="cpu")
    assert scores["rmse"] < 1.0
    assert scores["mae"] < scores["rmse"]


def test_predict_excludes_rated_items(mf_run: Path, shared_data: Path) -> None:
    run = LoadedRun.open(mf_run, device="cpu")
    results = run.procedure.predict(run, ["196"], 10)
    predictions = results[0]["predictions"]
    assert results[0]["input"] == "196"
    assert len(predictions) == 10

    bundle = run.load_data()
    train_split = bundle.split("train")
    catalog = train_split.catalog
    user = catalog.user_index("196")
    rated = {
        int(catalog.item_ids[item])
        for item in train_split.items[train_split.users == user].tolist()
    }
    assert rated
    assert not {p["item_id"] for p in predictions} & rated
    scores = [p["score"] for p in predictions]
    assert scores == sorted(scores, reverse=True)
    titles = catalog.titles()
    assert predictions[0]["label"] == titles[predictions[0]["item_id"]]


def test_unknown_user_is_a_data_error(mf_run: Path) -> None:
    run = LoadedRun.open(mf_run, device="cpu")
    with pytest.raises(DataError, match=r"'9999'.*1 to 943"):
        run.procedure.predict(run, ["9999"], 5)


def test_cli_predict_unknown_user_exits_2(mf_run: Path) -> None:
    result = CliRunner().invoke(main, ["predict", str(mf_run), "9999"])
    assert result.exit_code == 2
    assert "Error:" in result.output and "9999" in result.output


def test_cli_predict_lists_titles(mf_run: Path) -> None:
    result = CliRunner().invoke(main, ["predict", str(mf_run), "1", "--top-k", "3"])
    assert result.exit_code == 0, result.output
    assert "(19" in result.output  # titles carry their year


def test_ease_ranks_on_recboles_protocol(
    load_plugins, shared_data: Path, tmp_path: Path
) -> None:
    load_plugins("zoo-recsys")
    run_dir = _train(
        "recsys/ease", tmp_path / "ease", shared_data, **{"data.split": "per-user-811"}
    )
    scores = evaluate_run(run_dir, split="test", device="cpu")
    assert set(scores) >= {"ndcg@10", "recall@10", "hit@10", "mrr@10"}
    assert scores["ndcg@10"] > 0.28


def test_bpr_one_epoch_runs(load_plugins, shared_data: Path, tmp_path: Path) -> None:
    load_plugins("zoo-recsys")
    torch.manual_seed(0)
    run_dir = _train(
        "recsys/bpr",
        tmp_path / "bpr",
        shared_data,
        epochs=1,
        **{"data.split": "per-user-811"},
    )
    scores = evaluate_run(run_dir, split="valid", device="cpu")
    assert 0.0 < scores["ndcg@10"] < 1.0
