"""Standard train/valid/test splits as index arrays, deterministic for a seed.

Only numpy: the same seed gives the same split on every machine and with any
torch version. Fractions may be given unnormalised ("8:1:1" as ``(8, 1, 1)``);
they are divided by their sum.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "kfold_indices",
    "part_sizes",
    "per_user_split",
    "random_split",
    "stream_split",
]


def part_sizes(total: np.ndarray | int, fractions: Sequence[float]) -> np.ndarray:
    """How many of ``total`` items go to each part, by RecBole 1.2.1's rule.

    The rule, which :func:`per_user_split` and :func:`random_split` share:

    1. The fractions are divided by their sum (summed left to right in float64).
    2. Every part but the first gets ``floor(fraction * total)`` items, the
       product computed in float64 exactly as written.
    3. The first part gets what is left, so it absorbs all the rounding.
    4. Then, from the last part back to the second: a part whose exact share
       ``fraction * total`` lies strictly between 0 and 1 (so it got nothing)
       takes one item from the first part, but only while the first part still
       has more than one item.

    So with 8:1:1, 9 items give 7/1/1 (both shares of 0.9 are rounded up by
    step 4), 2 items give 1/0/1 (the last part takes one, then the first part is
    down to one and keeps it) and 1 item gives 1/0/0.

    Args:
        total: the number of items, or an array of numbers (one per group).
        fractions: the share of each part; at least one, all non-negative, not all
            zero.

    Returns:
        int64 array of shape ``(len(fractions),)``, or ``(groups, parts)`` for an
        array ``total``; each row sums to its total.
    """
    ratios = _normalised(fractions)
    totals = np.asarray(total, dtype=np.int64)
    if (totals < 0).any():
        raise ValueError("totals must be non-negative")
    column = totals.reshape(-1, 1)

    exact = ratios.reshape(1, -1) * column.astype(np.float64)
    sizes = np.floor(exact).astype(np.int64)
    sizes[:, 0] = column[:, 0] - sizes[:, 1:].sum(axis=1)

    for part in range(len(ratios) - 1, 0, -1):
        share = exact[:, part]
        bump = (sizes[:, 0] > 1) & (share > 0) & (share < 1)
        sizes[bump, part] += 1
        sizes[bump, 0] -= 1
    return sizes.reshape(np.shape(totals) + (len(ratios),))


def random_split(n: int, fractions: Sequence[float], seed: int) -> list[np.ndarray]:
    """Shuffle ``range(n)`` with ``seed`` and cut it into parts of these sizes.

    Sizes follow :func:`part_sizes` (the first part absorbs rounding).

    Returns:
        One sorted int64 index array per fraction; together they hold each index in
        ``range(n)`` exactly once.
    """
    _require_count(n)
    order = np.random.default_rng(seed).permutation(n)
    bounds = np.cumsum(part_sizes(n, fractions))[:-1]
    return [np.sort(part) for part in np.split(order, bounds)]


def kfold_indices(n: int, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """K-fold cross-validation: shuffle with ``seed``, cut into ``k`` folds.

    Fold sizes differ by at most one (the first ``n % k`` folds are one larger).

    Returns:
        ``k`` pairs ``(train, test)`` of sorted int64 index arrays; every index is
        in exactly one test fold.
    """
    _require_count(n)
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n={n}, not {k}")

    order = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(order, k)
    pairs = []
    for i, test in enumerate(folds):
        train = np.concatenate([fold for j, fold in enumerate(folds) if j != i])
        pairs.append((np.sort(train), np.sort(test)))
    return pairs


def per_user_split(
    user_ids: np.ndarray,
    fractions: Sequence[float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    order: str = "random",
    timestamps: np.ndarray | None = None,
    *,
    float32_time: bool = True,
) -> tuple[np.ndarray, ...]:
    """Split each user's interactions by ratio, as RecBole's ``RS`` by user does.

    The interactions are first put in order, then grouped by user (keeping that
    order inside each user), and each user's list is cut into consecutive parts
    whose sizes follow :func:`part_sizes`. With 8:1:1 and ``order="time"`` a user's
    oldest 80% train, the next 10% validate and the newest 10% test.

    Orders:

    - ``"random"``: a permutation of all rows drawn with ``seed`` (numpy's
      PCG64). RecBole draws its permutation with ``torch.randperm``, so random
      splits match RecBole in sizes and protocol but not row for row.
    - ``"time"``: a stable sort by timestamp, ties kept in input order, as
      RecBole's ``TO`` order does. RecBole stores ``:float`` timestamps as
      float32, which rounds Unix times of the late 1990s to multiples of 64 s and
      so turns near-simultaneous ratings into ties; ``float32_time=True`` (the
      default) compares timestamps the same way, which makes time splits identical
      to RecBole's on the same rows.
    - ``"none"``: the input order.

    Args:
        user_ids: the user of each interaction (any sortable ids).
        fractions: share of each part, normalised by their sum.
        seed: used only by ``order="random"``.
        order: ``"random"``, ``"time"`` or ``"none"``.
        timestamps: one per interaction; required for ``order="time"``.
        float32_time: compare timestamps as float32, as RecBole does.

    Returns:
        One int64 array of row indices per fraction. Rows are listed user by user
        (users in the order their first interaction appears after ordering), as
        RecBole lists them; together the arrays hold every row exactly once.
    """
    users = np.asarray(user_ids)
    if users.ndim != 1:
        raise ValueError(f"user_ids must be one-dimensional, not shape {users.shape}")
    rows = _ordered_rows(len(users), order, seed, timestamps, float32_time)

    # Group the ordered rows by user, users in first-appearance order, keeping the
    # order within each user (a stable sort on the position of the user's first row).
    _, first, inverse = np.unique(users[rows], return_index=True, return_inverse=True)
    grouped = np.argsort(first[inverse], kind="stable")
    rows = rows[grouped]
    group = inverse[grouped]

    # Each row's rank inside its user, then the part that rank falls into.
    counts = np.bincount(group, minlength=len(first))
    block_starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    starts = np.zeros(len(first), dtype=np.int64)
    starts[group[block_starts]] = block_starts
    rank = np.arange(len(rows)) - starts[group]
    bounds = np.cumsum(part_sizes(counts, fractions), axis=1)
    part = (rank[:, None] >= bounds[group]).sum(axis=1)
    return tuple(rows[part == p] for p in range(bounds.shape[1]))


def stream_split(n: int, fraction: float = 0.9) -> tuple[slice, slice]:
    """Cut one long sequence (a text corpus) into a leading and a trailing part.

    The first ``int(n * fraction)`` positions train and the rest validate, as
    char-rnn and nanoGPT do with Tiny Shakespeare; there is no shuffling.

    Returns:
        ``(train, valid)`` slices of ``range(n)``, both non-empty.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, not {fraction}")
    cut = int(n * fraction)
    if cut < 1 or cut >= n:
        raise ValueError(
            f"a stream of {n} positions cut at {fraction} leaves an empty part; "
            "use a longer stream"
        )
    return slice(0, cut), slice(cut, n)


def _ordered_rows(
    n: int,
    order: str,
    seed: int,
    timestamps: np.ndarray | None,
    float32_time: bool,
) -> np.ndarray:
    if order == "random":
        return np.random.default_rng(seed).permutation(n).astype(np.int64)
    if order == "none":
        return np.arange(n, dtype=np.int64)
    if order != "time":
        raise ValueError(f"order must be 'random', 'time' or 'none', not {order!r}")

    if timestamps is None:
        raise ValueError("order='time' needs the timestamps")
    times = np.asarray(timestamps)
    if times.shape != (n,):
        raise ValueError(
            f"expected {n} timestamps, one per interaction, not {times.shape}"
        )
    if float32_time:
        times = times.astype(np.float32)
    return np.argsort(times, kind="stable").astype(np.int64)


def _normalised(fractions: Sequence[float]) -> np.ndarray:
    values = [float(f) for f in fractions]
    if not values or any(not np.isfinite(v) or v < 0 for v in values):
        raise ValueError(f"fractions must be non-negative numbers, not {fractions!r}")
    total = sum(values)
    if total <= 0:
        raise ValueError(f"fractions must not all be zero: {fractions!r}")
    return np.array([v / total for v in values], dtype=np.float64)


def _require_count(n: int) -> None:
    if n < 1:
        raise ValueError(f"n must be a positive number of items, not {n}")
