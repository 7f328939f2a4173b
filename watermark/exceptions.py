"""What can go wrong when marking an image or reading a mark back."""

from __future__ import annotations


class WatermarkError(Exception):
    """Base class for watermark errors."""


class MarkIdOutOfRange(WatermarkError, ValueError):
    """The id does not fit the invisible mark's payload."""


class EmptyWatermarkText(WatermarkError, ValueError):
    """A visible watermark was asked for without any text."""


class ImageTooSmall(WatermarkError, ValueError):
    """The image cannot hold the mark (or a visible line of text)."""


class UnreadableImage(WatermarkError, OSError):
    """The file is missing or is not an image Pillow can decode."""


class UnsupportedFormat(WatermarkError, ValueError):
    """The output file name does not say PNG or JPEG."""


class UnwritableImage(WatermarkError, OSError):
    """The marked picture could not be written where it was asked for."""
