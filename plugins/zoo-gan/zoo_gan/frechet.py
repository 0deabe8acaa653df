"""The Fréchet distance between two Gaussians fitted to feature vectors.

For means ``m1, m2`` and covariances ``S1, S2`` the distance is

    |m1 - m2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))

(Dowson and Landau, 1982; used as FID by Heusel et al., 2017). The trace of the
matrix square root is computed without scipy: ``S1 S2`` is similar to the symmetric
positive semi-definite matrix ``A = S1^(1/2) S2 S1^(1/2)``, so it has the same
eigenvalues, and ``tr((S1 S2)^(1/2))`` is the sum of the square roots of ``A``'s
eigenvalues. Both steps use symmetric eigen-decompositions in float64, which are
stable where a general ``sqrtm`` can return complex noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FeatureStats", "frechet_distance", "trace_sqrt_product"]


@dataclass(frozen=True)
class FeatureStats:
    """Mean and covariance of a set of feature vectors."""

    mean: np.ndarray
    cov: np.ndarray

    @classmethod
    def of(cls, features: np.ndarray) -> FeatureStats:
        """Fit to ``features`` of shape ``(samples, dims)``; needs two samples."""
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2 or features.shape[0] < 2:
            raise ValueError(
                f"need a (samples, dims) array with at least 2 samples, got shape "
                f"{features.shape}"
            )
        return cls(
            mean=features.mean(axis=0), cov=np.cov(features, rowvar=False, ddof=1)
        )


def frechet_distance(first: FeatureStats, second: FeatureStats) -> float:
    """Squared Fréchet (2-Wasserstein) distance between two Gaussians; 0 if equal."""
    if first.mean.shape != second.mean.shape:
        raise ValueError(
            f"feature sizes differ: {first.mean.shape} and {second.mean.shape}"
        )
    offset = first.mean - second.mean
    distance = (
        offset @ offset
        + np.trace(first.cov)
        + np.trace(second.cov)
        - 2.0 * trace_sqrt_product(first.cov, second.cov)
    )
    # Rounding can leave a tiny negative number when the two are equal.
    return max(float(distance), 0.0)


def trace_sqrt_product(first: np.ndarray, second: np.ndarray) -> float:
    """``tr((first @ second)^(1/2))`` for symmetric positive semi-definite inputs."""
    root = _psd_sqrt(np.asarray(first, dtype=np.float64))
    inner = root @ np.asarray(second, dtype=np.float64) @ root
    eigenvalues = np.linalg.eigvalsh((inner + inner.T) / 2.0)
    return float(np.sqrt(np.clip(eigenvalues, 0.0, None)).sum())


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    """The symmetric square root of a positive semi-definite matrix."""
    eigenvalues, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ vectors.T
