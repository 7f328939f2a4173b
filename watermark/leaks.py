"""How marked pictures leak: re-saved JPEG, thumbnails, crops, rescaling, screenshots.

Tests and the benchmark put marked pictures through these before extracting, so the
claims "survives JPEG 50" or "survives a 10 % crop" are measured on the same operations.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image

Leak = Callable[[Image.Image], Image.Image]


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    """Re-save as JPEG at `quality` and decode again."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def rescale(image: Image.Image, factor: float) -> Image.Image:
    """Resize by `factor` (thumbnail, or a screen at another resolution)."""
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.LANCZOS)


def crop_edge(image: Image.Image, edge: str, fraction: float = 0.1) -> Image.Image:
    """Cut `fraction` of the picture off one edge: top, bottom, left or right."""
    width, height = image.size
    dx, dy = int(width * fraction), int(height * fraction)
    boxes = {"top": (0, dy, width, height), "bottom": (0, 0, width, height - dy),
             "left": (dx, 0, width, height), "right": (0, 0, width - dx, height)}
    return image.crop(boxes[edge])


def screenshot(image: Image.Image, factor: float = 0.8, quality: int = 75) -> Image.Image:
    """A screenshot of the picture shown in a viewer: uneven crop, rescale, then JPEG."""
    width, height = image.size
    shown = image.crop((int(width * 0.07), int(height * 0.04), width - int(width * 0.03),
                        height - int(height * 0.09)))
    return jpeg(rescale(shown, factor), quality)


LEAKS: dict[str, Leak] = {
    "jpeg-50": lambda image: jpeg(image, 50),
    "downscale-50%": lambda image: rescale(image, 0.5),
    "crop-10%-top": lambda image: crop_edge(image, "top"),
    "crop-10%-bottom": lambda image: crop_edge(image, "bottom"),
    "crop-10%-left": lambda image: crop_edge(image, "left"),
    "crop-10%-right": lambda image: crop_edge(image, "right"),
    "rescale-x0.75": lambda image: rescale(image, 0.75),
    "rescale-x1.33": lambda image: rescale(image, 1.33),
    "screenshot-x0.8-jpeg75": screenshot,
    "screenshot-x1.25-jpeg75": lambda image: screenshot(image, 1.25),
}
# Harder than the targets: reported by the benchmark, not promised.
STRESS: dict[str, Leak] = {
    "downscale-50%+jpeg-75": lambda image: jpeg(rescale(image, 0.5), 75),
    "downscale-50%+jpeg-50": lambda image: jpeg(rescale(image, 0.5), 50),
    "jpeg-30": lambda image: jpeg(image, 30),
    "crop-to-quarter": lambda image: image.crop((image.width // 4, image.height // 4,
                                                 image.width * 3 // 4, image.height * 3 // 4)),
}
