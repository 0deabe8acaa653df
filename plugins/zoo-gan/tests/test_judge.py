"""The judge classifier: where its features come from and how images reach it."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from zoo_gan.judge import Judge, batched, renormalise
from zoo_gan.scoring import Scores

from zoo_core.errors import ConfigError

INFO = {"channels": 1, "height": 2, "width": 2, "num_classes": 3}


def _classifier() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Flatten(), nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3)
    ).eval()


def test_features_are_the_input_of_the_last_linear_layer() -> None:
    model = _classifier()
    judge = Judge(model, INFO, torch.device("cpu"), "tiny")
    images = torch.randn(7, 1, 2, 2)

    seen = judge.judge(batched(images, 3), INFO)

    with torch.no_grad():
        expected = torch.relu(model[1](images.flatten(1)))
        predictions = model(images).argmax(dim=1)
    assert seen.features.shape == (7, 5)
    assert torch.allclose(torch.from_numpy(seen.features).float(), expected)
    assert seen.predictions.tolist() == predictions.tolist()


def test_images_are_renormalised_to_the_judges_statistics() -> None:
    pixels = torch.rand(2, 3, 4, 4)
    mine = {"mean": [0.5, 0.4, 0.3], "std": [0.2, 0.25, 0.5]}
    theirs = {"mean": [0.1], "std": [2.0]}
    normalised = (pixels - torch.tensor(mine["mean"]).view(1, 3, 1, 1)) / torch.tensor(
        mine["std"]
    ).view(1, 3, 1, 1)

    moved = renormalise(normalised, mine, theirs)

    assert torch.allclose(moved, (pixels - 0.1) / 2.0, atol=1e-6)


def test_a_judge_trained_on_other_images_is_refused() -> None:
    judge = Judge(_classifier(), INFO, torch.device("cpu"), "tiny")

    with pytest.raises(ConfigError, match="height=2.*height=8"):
        judge.check_fits({**INFO, "height": 8})


def test_a_classifier_without_a_linear_layer_is_refused() -> None:
    with pytest.raises(ConfigError, match="no linear layer"):
        Judge(nn.Flatten(), INFO, torch.device("cpu"), "flat")


def test_class_spread_of_an_even_and_a_collapsed_sample() -> None:
    even = Scores(fcd=0.0, class_shares=torch.full((4,), 0.25).numpy())
    collapsed = Scores(fcd=0.0, class_shares=torch.tensor([1.0, 0, 0, 0]).numpy())

    assert even.class_entropy == pytest.approx(1.0)
    assert even.min_class_share == pytest.approx(0.25)
    assert collapsed.class_entropy == pytest.approx(0.0)
    assert collapsed.metrics() == {
        "fcd": 0.0,
        "class_entropy": 0.0,
        "min_class_share": 0.0,
    }
