"""Small array filters shared by marking and extraction (numpy only, no pixel loops)."""

from __future__ import annotations

import numpy as np

_QUIET_PERCENTILE = 20


def box_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a (2r+1)^2 square around each element, edges replicated."""
    size = 2 * radius + 1
    padded = np.pad(values.astype(np.float32), radius + 1, mode="edge")
    for axis in (0, 1):
        sums = np.cumsum(padded, axis=axis, dtype=np.float64)
        upper = np.take(sums, np.arange(size, sums.shape[axis]), axis=axis)
        lower = np.take(sums, np.arange(0, sums.shape[axis] - size), axis=axis)
        padded = (upper - lower).astype(np.float32)
    return padded[: values.shape[0], : values.shape[1]] / (size * size)


def cyclic_box_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """box_mean on a periodic tile: edges wrap around."""
    span = range(-radius, radius + 1)
    total = sum(np.roll(values, (dy, dx), axis=(0, 1)) for dy in span for dx in span)
    return np.asarray(total) / (2 * radius + 1) ** 2


def residual(values: np.ndarray, radius: int = 2) -> np.ndarray:
    """What is left after removing the local mean: the band where the mark lives."""
    return values.astype(np.float32) - box_mean(values, radius)


def weighted_residual(values: np.ndarray, floor: float = 1.0) -> np.ndarray:
    """Residual weighted by inverse local energy, so text, edges and stamps barely count.

    A scan's letters leave residuals a hundred times the mark's, in a pattern that repeats
    along lines and character pitch; weighting each pixel by q / (q + local energy), with q
    the energy of the quietest fifth of the picture, makes them count about as much as the
    mark they cover, while quiet paper and smooth photo areas keep their full weight.
    """
    values = residual(values)
    energy = box_mean(values * values, 2)
    quiet = max(float(np.percentile(energy[::4, ::4], _QUIET_PERCENTILE)), floor**2)
    return values * (quiet / (quiet + energy))
