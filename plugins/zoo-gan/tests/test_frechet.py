"""The Fréchet distance against cases that can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from zoo_gan.frechet import FeatureStats, frechet_distance, trace_sqrt_product


def _stats(mean: list[float], cov: np.ndarray) -> FeatureStats:
    return FeatureStats(np.asarray(mean, dtype=np.float64), np.asarray(cov, float))


def test_identical_gaussians_are_at_distance_zero() -> None:
    rng = np.random.default_rng(0)
    root = rng.normal(size=(6, 6))
    stats = _stats(list(rng.normal(size=6)), root @ root.T)

    assert frechet_distance(stats, stats) == pytest.approx(0.0, abs=1e-9)


def test_one_dimension_is_squared_mean_gap_plus_squared_std_gap() -> None:
    # For 1-D Gaussians the distance is (m1 - m2)^2 + (s1 - s2)^2.
    first = _stats([1.0], np.array([[4.0]]))
    second = _stats([-2.0], np.array([[9.0]]))

    assert frechet_distance(first, second) == pytest.approx(3.0**2 + (2.0 - 3.0) ** 2)


def test_diagonal_covariances_add_up_per_dimension() -> None:
    first = _stats([0.0, 1.0, 2.0], np.diag([1.0, 4.0, 16.0]))
    second = _stats([1.0, 1.0, 0.0], np.diag([9.0, 4.0, 1.0]))
    expected = (1 + 0 + 4) + ((1 - 3) ** 2 + (2 - 2) ** 2 + (4 - 1) ** 2)

    assert frechet_distance(first, second) == pytest.approx(expected)


def test_rotating_both_gaussians_keeps_the_distance() -> None:
    rotation, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(3, 3)))
    first = _stats([0.0, 1.0, 2.0], np.diag([1.0, 4.0, 16.0]))
    second = _stats([1.0, 1.0, 0.0], np.diag([9.0, 4.0, 1.0]))
    turned_first = _stats(
        list(rotation @ first.mean), rotation @ first.cov @ rotation.T
    )
    turned_second = _stats(
        list(rotation @ second.mean), rotation @ second.cov @ rotation.T
    )

    assert frechet_distance(turned_first, turned_second) == pytest.approx(
        frechet_distance(first, second)
    )


def test_trace_sqrt_product_matches_the_eigenvalues_of_the_product() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    first, second = a @ a.T, b @ b.T
    # The product of two positive definite matrices has positive real eigenvalues,
    # and the trace of its square root is the sum of their square roots.
    expected = np.sqrt(np.linalg.eigvals(first @ second).real).sum()

    assert trace_sqrt_product(first, second) == pytest.approx(expected)


def test_singular_covariances_give_a_finite_distance() -> None:
    first = _stats([0.0, 0.0], np.array([[1.0, 1.0], [1.0, 1.0]]))
    second = _stats([0.0, 0.0], np.zeros((2, 2)))

    assert frechet_distance(first, second) == pytest.approx(2.0)


def test_stats_of_samples_are_the_mean_and_unbiased_covariance() -> None:
    samples = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 8.0]])
    stats = FeatureStats.of(samples)

    np.testing.assert_allclose(stats.mean, [3.0, 4.0])
    np.testing.assert_allclose(stats.cov, [[4.0, 6.0], [6.0, 12.0]])


def test_mismatched_feature_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="feature sizes differ"):
        frechet_distance(_stats([0.0], np.eye(1)), _stats([0.0, 0.0], np.eye(2)))


def test_one_sample_is_not_enough_for_a_covariance() -> None:
    with pytest.raises(ValueError, match="at least 2 samples"):
        FeatureStats.of(np.zeros((1, 4)))
