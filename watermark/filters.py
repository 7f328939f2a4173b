"""Small array filters shared by marking and extraction (numpy only, no pixel loops)."""

from __future__ import annotations

import numpy as np


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


def quiet_residual(values: np.ndarray, spread: float = 3.0, floor: float = 2.0) -> np.ndarray:
    """Residual with text strokes, edges and stamps (and their surroundings) zeroed.

    Clipping alone would keep the sign pattern of the text, which repeats along lines and
    character pitch; zeroing leaves only the quiet areas, where the mark dominates. The
    floor keeps paper that JPEG flattened to one value from making everything "loud".
    """
    values = residual(values)
    sample = np.abs(values.reshape(-1)[:: max(1, values.size // 200_000)])
    scale = max(float(np.median(sample)) * 1.4826, floor)
    loud = box_mean((np.abs(values) > spread * scale).astype(np.float32), 2) > 0
    values[loud] = 0.0
    return values
