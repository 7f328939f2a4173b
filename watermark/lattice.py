"""Finding the repeating tile in a leaked image: its period in pixels along x and y.

The mark repeats every tile, so the autocorrelation of the image's high-pass residual has
peaks on the tile lattice (Kalker et al.'s self-referencing watermark). Whatever scaling
the leak went through, those peaks give the tile period; harmonics (peaks at 2, 3, 4 …
periods) pin it to a fraction of a pixel. Structures that also repeat — JPEG's 8-pixel
blocks, lines of text — show up on the axes only, so candidates are scored on the
diagonal lattice points too, and the caller verifies each one against the sync chips.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from watermark.filters import weighted_residual

_MIN_PERIOD = 40  # pixels of the reduced image; a tile is 32 chips of >= 1.25 pixels
_ASPECT_TOLERANCE = 0.05
_REDUCED_LONG_SIDE = 768
_CLEAR_PEAK = 4.0  # a harmonic refines the period only when it stands this far above noise


@dataclass(frozen=True)
class Period:
    """The tile's size in pixels of the image it was found in."""

    x: float
    y: float
    score: float


def reduction_for(width: int, height: int) -> int:
    """Power-of-two box reduction that keeps the long side at 768-1535 pixels."""
    factor = 1
    while max(width, height) // (factor * 2) >= _REDUCED_LONG_SIDE:
        factor *= 2
    return factor


def autocorrelation(luma: np.ndarray) -> np.ndarray:
    """Normalised cyclic autocorrelation of the weighted residual, JPEG block lines removed."""
    spectrum = np.fft.rfft2(weighted_residual(luma))
    power = spectrum.real**2 + spectrum.imag**2
    _remove_block_lines(power, luma.shape)
    power[0, :] = 0.0
    power[:, 0] = 0.0
    corr = np.fft.irfft2(power, s=luma.shape)
    return corr / max(float(corr[0, 0]), 1e-12)


def _remove_block_lines(power: np.ndarray, shape: tuple[int, ...]) -> None:
    """Zero the frequencies of an 8-pixel block grid (JPEG), which also repeats."""
    height, width = shape
    for step in range(1, 8):
        column = round(step * width / 8)
        if column < power.shape[1]:
            power[:, max(column - 1, 0) : column + 2] = 0.0
        row = round(step * height / 8)
        power[max(row - 1, 0) : row + 2, :] = 0.0


def candidate_periods(corr: np.ndarray, count: int = 3) -> list[Period]:
    """The best-scoring tile lattices in an autocorrelation, refined on their harmonics."""
    height, width = corr.shape
    longest_x, longest_y = width // 2 - 2, height // 2 - 2
    if min(longest_x, longest_y) <= _MIN_PERIOD:
        return []
    px = np.arange(_MIN_PERIOD, longest_x)
    ratio = np.linspace(1 - _ASPECT_TOLERANCE, 1 + _ASPECT_TOLERANCE, 21)
    py = np.rint(px[:, None] * ratio[None, :]).astype(int)
    valid = (py >= _MIN_PERIOD) & (py < longest_y)
    py = np.where(valid, py, _MIN_PERIOD)
    pxx = np.broadcast_to(px[:, None], py.shape)
    score = corr[0, pxx] + corr[py, 0] + corr[py, pxx] + corr[-py, pxx]
    score = np.where(valid, score, -np.inf)
    noise = float(np.std(corr[_MIN_PERIOD:longest_y, _MIN_PERIOD:longest_x])) + 1e-12
    found: list[Period] = []
    for flat in np.argsort(score, axis=None)[::-1]:
        tx, ty = int(pxx.flat[flat]), int(py.flat[flat])
        if any(abs(tx - p.x) < 3 and abs(ty - p.y) < 3 for p in found):
            continue
        refined = _refine(corr, tx, ty)
        found.append(Period(refined[0], refined[1], float(score.flat[flat]) / (4 * noise)))
        if len(found) == count:
            break
    return found


def _refine(corr: np.ndarray, tx: int, ty: int) -> tuple[float, float]:
    """Sub-pixel periods from the furthest clear harmonic along each axis."""
    row = corr[0, :] + corr[ty, :] + corr[-ty, :]
    column = corr[:, 0] + corr[:, tx] + corr[:, -tx]
    return _refine_axis(row, tx), _refine_axis(column, ty)


def _refine_axis(profile: np.ndarray, period: int) -> float:
    """Period from the clear peaks at its multiples, each located by a parabola."""
    reach = len(profile) // 2
    noise = 1.4826 * float(np.median(np.abs(profile[period // 2 : reach]))) + 1e-12
    best = float(period)
    for multiple in range(1, reach // period + 1):
        start = int(best * multiple) - 1
        if start + 5 >= reach:
            break
        peak = start + int(np.argmax(profile[start : start + 4]))
        left, centre, right = profile[peak - 1], profile[peak], profile[peak + 1]
        bend = left - 2 * centre + right
        if centre > _CLEAR_PEAK * noise and bend < 0:
            best = (peak + float(np.clip(0.5 * (left - right) / bend, -0.5, 0.5))) / multiple
    return best
