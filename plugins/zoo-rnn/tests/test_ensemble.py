"""Ensembles of character models: how they score, and that members train alone."""

from __future__ import annotations

import copy
import threading

import pytest
import torch

from zoo_core.errors import ConfigError
from zoo_core.tasks.base import StepContext

HPARAMS = {
    "batch_size": 2,
    "bptt": 4,
    "epochs": 1,
    "lr": 1e-2,
    "clip_norm": 1.0,
    "lr_schedule": "constant",
    "warmup_steps": 0,
    "final_lr_ratio": 1.0,
    "max_minutes": 0.0,
}


def _members(count: int = 2):
    from zoo_rnn.networks import CharModel

    torch.manual_seed(0)
    return [CharModel(7, "lstm", hidden_size=8, layers=1) for _ in range(count)]


def _stream(length: int = 40):
    return type("Stream", (), {"ids": torch.randint(0, 7, (length,))})()


def test_an_ensemble_predicts_the_mean_of_its_members_distributions() -> None:
    from zoo_rnn.ensemble import CharEnsemble

    members = _members(3)
    ensemble = CharEnsemble(members).eval()
    tokens = torch.randint(0, 7, (2, 5))

    with torch.no_grad():
        logits, hidden = ensemble(tokens)
        alone = [member(tokens)[0].softmax(-1) for member in members]

    assert torch.allclose(logits.exp(), torch.stack(alone).mean(0), atol=1e-6)
    assert torch.allclose(logits.softmax(-1), logits.exp(), atol=1e-6)
    assert len(hidden) == 3 and hidden[0][0].shape == (1, 2, 8)


def test_an_ensemble_needs_two_members() -> None:
    from zoo_rnn.ensemble import CharEnsemble

    with pytest.raises(ValueError, match="two members"):
        CharEnsemble(_members(1))


def test_side_by_side_runs_each_member_in_a_thread_and_gives_threads_back() -> None:
    from zoo_rnn.ensemble import SideBySide

    threads = torch.get_num_threads()
    side = SideBySide(2, torch.device("cpu"))

    def call(index: int) -> tuple[int, str, int]:
        return index, threading.current_thread().name, torch.get_num_threads()

    results = side.map(call)
    side.close()

    assert [index for index, _, _ in results] == [0, 1]
    assert all(name.startswith("member") for _, name, _ in results)
    assert torch.get_num_threads() == threads


def test_side_by_side_takes_turns_off_the_cpu() -> None:
    from zoo_rnn.ensemble import SideBySide

    side = SideBySide(2, torch.device("meta"))

    assert not side.parallel
    assert (
        side.map(lambda index: threading.current_thread().name)
        == [threading.current_thread().name] * 2
    )


def test_each_member_trains_exactly_as_it_would_alone() -> None:
    """Members share the batches but nothing else: the first member's weights
    after two steps in the ensemble equal a copy's trained alone."""
    from zoo_rnn.ensemble import CharEnsemble
    from zoo_rnn.text_task import TextGenerationProcedure

    members = _members(2)
    alone = copy.deepcopy(members[0])
    ensemble = CharEnsemble(members)
    stream = _stream()

    def train(model, steps: int = 2) -> StepContext:
        procedure = TextGenerationProcedure()
        step = StepContext(
            model=model,
            module=model,
            optimizers=procedure.configure_optimizers(model, HPARAMS),
            hparams=HPARAMS,
            info={},
            device=torch.device("cpu"),
        )
        procedure.start_epoch(step)
        batches = procedure.train_batches(stream, HPARAMS, None, {})
        for _, batch in zip(range(steps), batches, strict=False):
            metrics = procedure.training_step(step, batch)
            step.step += 1
        batches.close()
        step.state["metrics"] = metrics
        return step

    torch.manual_seed(1)  # the same pass offset for both runs
    together = train(ensemble)
    torch.manual_seed(1)
    train(alone)

    for mine, reference in zip(
        members[0].parameters(), alone.parameters(), strict=True
    ):
        assert torch.allclose(mine, reference, atol=1e-6)
    assert not torch.allclose(members[0].readout.weight, members[1].readout.weight)
    assert len(together.state["hidden"]) == 2
    assert together.state["metrics"]["loss"] > 0


def test_an_ensemble_refuses_a_wrapped_model() -> None:
    from zoo_rnn.ensemble import CharEnsemble
    from zoo_rnn.text_task import TextGenerationProcedure

    ensemble = CharEnsemble(_members(2))
    procedure = TextGenerationProcedure()
    step = StepContext(
        model=torch.nn.Identity(),  # stands for a DDP or compiled wrapper
        module=ensemble,
        optimizers=procedure.configure_optimizers(ensemble, HPARAMS),
        hparams=HPARAMS,
        info={},
        device=torch.device("cpu"),
    )
    batches = procedure.train_batches(_stream(), HPARAMS, None, {})

    with pytest.raises(ConfigError, match="members=1"):
        procedure.training_step(step, next(batches))
