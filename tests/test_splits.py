"""Standard splits: partitions, reproducibility and RecBole's per-user rounding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoo_core.data.splits import (
    kfold_indices,
    part_sizes,
    per_user_split,
    random_split,
    stream_split,
)
from zoo_core.formats import read_ml100k_ratings

fractions_strategy = st.lists(
    st.sampled_from([0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 0.6, 0.7, 0.8, 1, 2, 8]),
    min_size=1,
    max_size=4,
)


def sizes_by_the_stated_rule(total: int, fractions: list[float]) -> list[int]:
    """The rule as the part_sizes docstring states it, one group at a time."""
    whole = sum(fractions)
    ratios = [f / whole for f in fractions]
    sizes = [int(r * total) for r in ratios]
    sizes[0] = total - sum(sizes[1:])
    for part in range(len(ratios) - 1, 0, -1):
        if sizes[0] <= 1:
            break
        if 0 < ratios[part] * total < 1:
            sizes[part] += 1
            sizes[0] -= 1
    return sizes


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, [0, 0, 0]),
        (1, [1, 0, 0]),
        (2, [1, 0, 1]),
        (3, [1, 1, 1]),
        (9, [7, 1, 1]),
        (10, [8, 1, 1]),
        (20, [16, 2, 2]),
        (29, [25, 2, 2]),
        (30, [24, 3, 3]),
    ],
)
def test_part_sizes_of_8_1_1(total: int, expected: list[int]) -> None:
    assert part_sizes(total, (0.8, 0.1, 0.1)).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(
    totals=st.lists(st.integers(0, 500), min_size=1, max_size=30),
    fractions=fractions_strategy,
)
def test_part_sizes_follow_the_rule_for_every_group(
    totals: list[int], fractions: list[float]
) -> None:
    sizes = part_sizes(np.array(totals), fractions)

    assert sizes.tolist() == [sizes_by_the_stated_rule(t, fractions) for t in totals]
    assert (sizes >= 0).all() and sizes.sum(axis=1).tolist() == totals


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 300), fractions=fractions_strategy, seed=st.integers(0, 2**32))
def test_random_split_partitions_and_repeats(
    n: int, fractions: list[float], seed: int
) -> None:
    parts = random_split(n, fractions, seed)

    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(n))
    assert [len(p) for p in parts] == sizes_by_the_stated_rule(n, fractions)
    again = random_split(n, fractions, seed)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))


def test_random_split_depends_on_the_seed() -> None:
    first = random_split(1000, (0.8, 0.2), seed=1)
    second = random_split(1000, (0.8, 0.2), seed=2)

    assert [len(p) for p in first] == [800, 200]
    assert not np.array_equal(first[1], second[1])


@settings(max_examples=100, deadline=None)
@given(n=st.integers(2, 200), k=st.integers(2, 10), seed=st.integers(0, 1000))
def test_kfold_tests_cover_every_index_once(n: int, k: int, seed: int) -> None:
    if k > n:
        with pytest.raises(ValueError):
            kfold_indices(n, k, seed)
        return

    folds = kfold_indices(n, k, seed)

    tests = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(tests), np.arange(n))
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0
        assert len(train) + len(test) == n
    assert max(len(t) for _, t in folds) - min(len(t) for _, t in folds) <= 1
    assert all(
        np.array_equal(a[1], b[1]) for a, b in zip(folds, kfold_indices(n, k, seed))
    )


def recbole_style_reference(users: np.ndarray, rows: np.ndarray) -> list[list[int]]:
    """Group the ordered rows by user in first-seen order, then cut each user."""
    groups: dict[int, list[int]] = {}
    for row in rows:
        groups.setdefault(int(users[row]), []).append(int(row))
    parts: list[list[int]] = [[], [], []]
    for group in groups.values():
        sizes = sizes_by_the_stated_rule(len(group), [0.8, 0.1, 0.1])
        bounds = np.cumsum([0, *sizes])
        for part, start, end in zip(parts, bounds[:-1], bounds[1:]):
            part.extend(group[start:end])
    return parts


@settings(max_examples=100, deadline=None)
@given(
    users=st.lists(st.integers(0, 12), min_size=1, max_size=200),
    seed=st.integers(0, 1000),
    order=st.sampled_from(["random", "time", "none"]),
)
def test_per_user_split_matches_the_reference(
    users: list[int], seed: int, order: str
) -> None:
    user_ids = np.array(users)
    times = np.random.default_rng(seed).integers(0, 20, len(users))

    parts = per_user_split(user_ids, seed=seed, order=order, timestamps=times)

    if order == "random":
        rows = np.random.default_rng(seed).permutation(len(users))
    elif order == "time":
        rows = np.argsort(times.astype(np.float32), kind="stable")
    else:
        rows = np.arange(len(users))
    expected = recbole_style_reference(user_ids, rows)
    assert [p.tolist() for p in parts] == expected


def test_per_user_split_on_movielens_by_time(shared_data: Path) -> None:
    ratings = read_ml100k_ratings(shared_data / "ml-100k" / "u.data")
    users = ratings["user_id"].to_numpy()
    times = ratings["timestamp"].to_numpy()

    train, valid, test = per_user_split(users, order="time", timestamps=times)

    assert (len(train), len(valid), len(test)) == (80_808, 9_596, 9_596)
    rows = np.argsort(times.astype(np.float32), kind="stable")
    expected = recbole_style_reference(users, rows)
    assert [train.tolist(), valid.tolist(), test.tolist()] == expected
    # Every user's test ratings are no older than their training ratings.
    frame = ratings.assign(part=0)
    frame.loc[test, "part"] = 2
    by_user = frame.groupby("user_id")
    newest_train = by_user.apply(lambda g: g.loc[g.part == 0, "timestamp"].max())
    oldest_test = by_user.apply(lambda g: g.loc[g.part == 2, "timestamp"].min())
    assert (oldest_test.astype(np.float32) >= newest_train.astype(np.float32)).all()


def test_float32_time_can_be_turned_off() -> None:
    users = np.zeros(3, dtype=np.int64)
    # Equal in float32, ordered in int64.
    times = np.array([893286601, 893286600, 893286602])

    recbole = per_user_split(users, (1, 1, 1), order="time", timestamps=times)
    exact = per_user_split(
        users, (1, 1, 1), order="time", timestamps=times, float32_time=False
    )

    assert [p.tolist() for p in recbole] == [[0], [1], [2]]
    assert [p.tolist() for p in exact] == [[1], [0], [2]]


def test_per_user_split_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="needs the timestamps"):
        per_user_split(np.zeros(3), order="time")
    with pytest.raises(ValueError, match="order must be"):
        per_user_split(np.zeros(3), order="sideways")
    with pytest.raises(ValueError, match="non-negative"):
        per_user_split(np.zeros(3), fractions=(0.9, -0.1))


def test_stream_split_is_first_ninety_percent() -> None:
    train, valid = stream_split(1_115_394)

    assert (train.start, train.stop) == (0, 1_003_854)
    assert (valid.start, valid.stop) == (1_003_854, 1_115_394)
    with pytest.raises(ValueError):
        stream_split(1)
    with pytest.raises(ValueError):
        stream_split(100, fraction=1.0)
