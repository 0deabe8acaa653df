"""The continuous cache: what it recalls, how it mixes, and how it is fitted."""

from __future__ import annotations

import math

import pytest
import torch

VOCAB = 7


def _network(members: int = 1, seed: int = 0):
    from zoo_rnn.ensemble import CharEnsemble
    from zoo_rnn.networks import CharModel

    torch.manual_seed(seed)
    made = [CharModel(VOCAB, "lstm", hidden_size=12, layers=1) for _ in range(members)]
    return made[0] if members == 1 else CharEnsemble(made)


def _cached(window: int = 50, weight: float = 0.3, scale: float = 5.0, members=1):
    from zoo_rnn.cache import CachedCharModel

    model = CachedCharModel(_network(members), window).eval()
    model.scale.fill_(scale)
    model.weight.fill_(weight)
    return model


def test_a_step_recalls_only_earlier_steps_within_the_window() -> None:
    from zoo_rnn.cache import Recall

    # two steps remembered from an earlier chunk, then a chunk of three
    keys = torch.randn(1, 5, 4)
    recall = Recall(keys[:, 2:], keys, torch.arange(5)[None], window=2)

    # rows: chunk steps at positions 2, 3, 4; columns: positions 0..3, each
    # followed by the character at the next position
    assert recall.allowed.tolist() == [
        [True, True, False, False],
        [False, True, True, False],
        [False, False, True, True],
    ]
    assert recall.following.tolist() == [[1, 2, 3, 4]]


def test_the_cache_votes_with_a_softmax_over_the_similarity_of_states() -> None:
    from zoo_rnn.cache import Recall

    keys = torch.nn.functional.normalize(torch.randn(1, 4, 3), dim=-1)
    tokens = torch.tensor([[0, 2, 2, 1]])
    recall = Recall(keys[:, 3:], keys, tokens, window=10)

    votes = recall.probabilities(scale=4.0, vocab_size=3)[0, 0]

    cosines = (keys[0, :3] @ keys[0, 3]) * 4.0
    weights = torch.softmax(cosines, dim=0)
    # positions 0, 1 and 2 were followed by characters 2, 2 and 1
    expected = torch.tensor([0.0, float(weights[2]), float(weights[0] + weights[1])])
    torch.testing.assert_close(votes, expected)


@pytest.mark.parametrize("members", [1, 2])
def test_the_mixture_is_a_distribution_at_every_step(members: int) -> None:
    model = _cached(members=members)
    tokens = torch.randint(0, VOCAB, (3, 20))

    with torch.no_grad():
        log_probs, _ = model(tokens)

    totals = log_probs.exp().sum(-1)
    torch.testing.assert_close(totals, torch.ones_like(totals))


def test_the_first_step_has_nothing_to_recall_and_is_the_networks_own() -> None:
    model = _cached(weight=0.5)
    tokens = torch.randint(0, VOCAB, (2, 6))

    with torch.no_grad():
        mixed, _ = model(tokens)
        own, _ = model.network(tokens)

    torch.testing.assert_close(mixed[:, 0], own.log_softmax(-1)[:, 0])
    assert not torch.allclose(mixed[:, 1:], own.log_softmax(-1)[:, 1:])


def test_a_prediction_never_depends_on_the_characters_after_it() -> None:
    model = _cached()
    tokens = torch.randint(0, VOCAB, (1, 30))
    changed = tokens.clone()
    changed[0, 15:] = (changed[0, 15:] + 1) % VOCAB

    with torch.no_grad():
        before, _ = model(tokens)
        after, _ = model(changed)

    torch.testing.assert_close(before[:, :15], after[:, :15])
    assert not torch.allclose(before[:, 15:], after[:, 15:])


@pytest.mark.parametrize("window", [3, 50])
def test_reading_in_chunks_recalls_what_reading_at_once_does(window: int) -> None:
    model = _cached(window=window, members=2)
    tokens = torch.randint(0, VOCAB, (2, 24))

    with torch.no_grad():
        whole, _ = model(tokens)
        first, state = model(tokens[:, :10])
        second, state = model(tokens[:, 10:17], state)
        third, state = model(tokens[:, 17:], state)

    torch.testing.assert_close(torch.cat([first, second, third], dim=1), whole)
    assert state.keys.shape[1] == min(window, 24)


def test_in_training_the_model_is_its_network_alone() -> None:
    model = _cached().train()
    tokens = torch.randint(0, VOCAB, (2, 5))

    torch.manual_seed(1)
    logits, hidden = model(tokens)
    torch.manual_seed(1)
    own, own_hidden = model.network(tokens)

    torch.testing.assert_close(logits, own)
    torch.testing.assert_close(hidden[0], own_hidden[0])


def test_fitting_on_a_repetitive_text_turns_the_cache_on_and_lowers_the_nll() -> None:
    from zoo_rnn.cache import CachedCharModel, fit_cache

    torch.manual_seed(0)
    # an untrained network cannot predict this text, but every 40 characters it
    # repeats what came before, which the cache can recall
    block = torch.randint(0, VOCAB, (40,))
    model = CachedCharModel(_network(), window=100)

    fitted = fit_cache(model, block.repeat(30), "cpu")

    assert model.training
    # the cache recalls this text perfectly, yet its weight stays at most 0.5,
    # so that it never costs more than ln 2 nats where it recalls wrongly
    assert 0.1 < fitted["weight"] <= 0.5
    assert float(model.weight) == pytest.approx(fitted["weight"])
    assert float(model.scale) == fitted["scale"]
    assert fitted["nll_with"] < fitted["nll_without"] - 0.3
    assert fitted["nll_without"] > math.log(VOCAB) * 0.8


class AlternationNetwork(torch.nn.Module):
    """Over the characters {0, 1}, says the next one differs with probability 0.99,
    from the same state at every step."""

    vocab_size = 2

    def read(self, tokens: torch.Tensor, hidden=None):
        flip = torch.nn.functional.one_hot(1 - tokens, 2).float()
        log_probs = torch.log(0.99 * flip + 0.01 * (1 - flip))
        return log_probs, torch.ones(*tokens.shape, 1), hidden


def test_fitting_leaves_the_cache_off_where_it_can_only_hurt() -> None:
    from zoo_rnn.cache import CachedCharModel, fit_cache

    # The network is right 99% of the time on 0101...; the cache, recalling every
    # earlier step alike, can only say 0 or 1 with even odds.
    model = CachedCharModel(AlternationNetwork(), window=50)

    fitted = fit_cache(model, torch.arange(5000) % 2, "cpu")

    assert fitted["weight"] == 0.0 and float(model.weight) == 0.0
    assert fitted["nll_with"] == pytest.approx(-math.log(0.99), abs=1e-4)


def test_the_window_must_hold_a_step() -> None:
    from zoo_rnn.cache import CachedCharModel

    with pytest.raises(ValueError, match="window"):
        CachedCharModel(_network(), 0)


def test_a_text_too_short_to_fit_on_leaves_the_cache_off() -> None:
    from zoo_rnn.cache import CachedCharModel, fit_cache

    model = CachedCharModel(_network(), window=10)

    assert fit_cache(model, torch.tensor([3]), "cpu")["weight"] == 0.0
    assert float(model.weight) == 0.0
