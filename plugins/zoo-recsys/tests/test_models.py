"""Every registered model trains one step on CPU, scores consistently and reports
its task's metrics."""

from __future__ import annotations

import math

import pytest
import torch
from torch.utils.data import RandomSampler
from zoo_recsys import plugin

from zoo_core._lazy import resolve_target
from zoo_core.api import build_model
from zoo_core.registry import Registry
from zoo_core.runtime.config import model_params
from zoo_core.specs import resolve_params
from zoo_core.tasks.base import EvalContext, StepContext

REGISTRY = Registry.from_plugins(("zoo-recsys", plugin))
MODEL_IDS = sorted(REGISTRY.models)


def test_entry_point_registers_every_model(load_plugins) -> None:
    registry = load_plugins("zoo-recsys")
    assert registry.plugins["zoo-recsys"].ok, registry.plugins["zoo-recsys"].error
    assert [spec.id for spec in registry.find_models("recsys/*")] == MODEL_IDS
    assert set(registry.tasks) >= {"rating-prediction", "item-ranking"}
    assert set(registry.datasets) >= {"movielens-100k", "movielens-1m", "ratings-csv"}


def _setup(model_id: str, bundle):
    spec = REGISTRY.model(model_id)
    task = REGISTRY.task(spec.task)
    procedure = resolve_target(task.procedure)()
    hparams = resolve_params(model_params(spec), {}, spec.id)
    hparams["batch_size"] = min(hparams["batch_size"], 16)
    model = build_model(spec, hparams, bundle.info)
    return task, procedure, hparams, model


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_smoke_forward_backward(model_id: str, tiny_bundle) -> None:
    torch.manual_seed(0)
    task, procedure, hparams, model = _setup(model_id, tiny_bundle)
    train = tiny_bundle.split("train")
    optimizers = procedure.configure_optimizers(model, hparams)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}

    sampler = RandomSampler(train, generator=torch.Generator().manual_seed(0))
    batches = procedure.train_batches(train, hparams, sampler, tiny_bundle.info)
    step = StepContext(
        model=model,
        module=model,
        optimizers=optimizers,
        hparams=hparams,
        info=tiny_bundle.info,
        device=torch.device("cpu"),
    )
    model.train()
    metrics = procedure.training_step(step, batches[0])

    assert math.isfinite(metrics["loss"])
    changed = [n for n, p in model.named_parameters() if not torch.equal(before[n], p)]
    assert changed, "one training step left every parameter as it was"

    model.eval()
    context = EvalContext(
        model=model,
        bundle=tiny_bundle,
        hparams=hparams,
        info=tiny_bundle.info,
        device=torch.device("cpu"),
    )
    with torch.no_grad():
        scores = procedure.evaluate(context, "valid")
    assert list(scores) == list(task.metrics)
    assert all(math.isfinite(value) for value in scores.values())


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_row_scores_match_pair_scores(model_id: str, tiny_bundle) -> None:
    torch.manual_seed(0)
    _, procedure, hparams, model = _setup(model_id, tiny_bundle)
    train = tiny_bundle.split("train")
    history = procedure.history([train], "cpu")
    if model.batch_unit == "all":
        model.fit(history, hparams)
    model.eval()

    users = torch.tensor([0, 3, 11])
    with torch.no_grad():
        rows = model.score_users(users, history)
        pairs = model(
            users.repeat_interleave(20), torch.arange(20).repeat(3), history
        ).view(3, 20)
    assert rows.shape == (3, 20)
    torch.testing.assert_close(rows, pairs, rtol=1e-4, atol=1e-4)


def test_mf_starts_at_the_global_mean(tiny_bundle) -> None:
    _, _, _, model = _setup("recsys/mf", tiny_bundle)
    with torch.no_grad():
        model.user_factors.weight.zero_()
    predicted = model(torch.tensor([0, 1]), torch.tensor([2, 3]))
    expected = torch.full((2,), tiny_bundle.info["global_mean"])
    torch.testing.assert_close(predicted, expected)


def test_mlp_output_starts_at_the_global_mean(tiny_bundle) -> None:
    _, _, _, model = _setup("recsys/mlp", tiny_bundle)
    model.eval()
    predicted = model(torch.tensor([0, 5]), torch.tensor([1, 7]))
    expected = torch.full((2,), tiny_bundle.info["global_mean"])
    torch.testing.assert_close(predicted, expected)


def test_models_build_without_dataset_info() -> None:
    for model_id in MODEL_IDS:
        spec = REGISTRY.model(model_id)
        hparams = resolve_params(model_params(spec), {}, spec.id)
        model = build_model(spec, hparams, {})
        assert model.num_users > 0 and model.num_items > 0
