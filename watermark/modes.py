"""Pictures in the modes the marks work on: L, RGB or RGBA, with 8 bits a sample.

Scanners write 16-bit greyscale PNGs, which Pillow loads as "I;16"; converting those
straight to 8 bits clips everything above 255 to white, so they are scaled down instead.
"""

from __future__ import annotations

from PIL import Image

_EIGHT_BIT = ("L", "RGB", "RGBA")


def eight_bit(image: Image.Image) -> Image.Image:
    """`image` itself when it is L, RGB or RGBA, else an 8-bit copy (deep samples scaled)."""
    if image.mode in _EIGHT_BIT:
        return image
    if image.mode.startswith("I") or image.mode == "F":
        samples = image.convert("F")
        top = samples.getextrema()[1]
        top = top if isinstance(top, (int, float)) else 255.0  # one band: always a number
        full_scale = 1.0 if top <= 1.0 else 255.0 if top <= 255.0 else 65535.0
        return samples.point(lambda value: value * (255.0 / full_scale)).convert("L")
    if image.mode == "1":
        return image.convert("L")
    transparent = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if transparent else "RGB")
