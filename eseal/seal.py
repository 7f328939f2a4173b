"""公章: the unit's round red seal, drawn as vector shapes or from an uploaded PNG.

A generated seal costs about 2 KB of the PDF (paths plus a few subset glyphs), where a
600×600 RGBA image costs ~100 KB; an uploaded image is scaled down before embedding.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .exceptions import InvalidSealImage
from .fonts import cjk_font

SEAL_RED = (0.86, 0.08, 0.10)
SEAL_OPACITY = 0.88  # the text under a real seal shows through the ink
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_SIDE = 4096
MAX_UPLOAD_PIXELS = MAX_UPLOAD_SIDE * MAX_UPLOAD_SIDE  # checked on the header, before any pixel is decoded
EMBEDDED_SIDE = 320  # pixels: ~190 dpi at a 42 mm seal, a few tens of KB
NARROW = 0.78  # seal characters are tall and narrow
ASCENT = 0.88  # of the CJK font's em: where the top of a character is above its baseline
# The drawn seal, in shares of its radius (as a Chinese official seal: name round the top, star in
# the middle, the purpose straight below; the date is the document's, printed under the seal).
RING = 0.06  # the ring's line
STAR = 0.30  # the star's points
NAME_OUTER = 0.87  # the name's outer edge, just inside the ring
NAME_LARGEST = 0.30
NAME_SPACING = 1.12  # neighbouring characters: centre to centre at the inner edge, in character widths
SPAN_NARROWEST, SPAN_WIDEST = math.radians(150), math.radians(240)
STEP_APART = math.radians(40)  # between the characters of a short name
PURPOSE_LARGEST = 0.20
PURPOSE_WIDTH = 0.95  # the purpose line's widest
PURPOSE_BASELINE = 0.62  # below the centre


@dataclass(frozen=True)
class GeneratedSeal:
    """A seal drawn from the unit's name: ring, name along the upper arc, star, its purpose below."""

    unit_name: str
    bottom_text: str = "审批专用章"


@dataclass(frozen=True)
class UploadedSeal:
    """A seal image the unit uploaded: a PNG with transparency, already scaled down."""

    png: bytes


Seal = GeneratedSeal | UploadedSeal


def uploaded_seal(data: bytes) -> UploadedSeal:
    """Check an uploaded seal PNG and scale it down for embedding, or raise InvalidSealImage.

    Its size is read from the header and refused before decoding (a 30000×30000 PNG of a few
    hundred KB would inflate to gigabytes); it must have transparency, or the seal would
    cover the text it is stamped over with a white square.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidSealImage(f"the seal image has {len(data)} bytes, at most {MAX_UPLOAD_BYTES} are allowed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the limit is checked just below
            opened = Image.open(io.BytesIO(data))
        with opened as image:
            _check_header(image)
            rgba = image.convert("RGBA")
    except Image.DecompressionBombError:
        raise InvalidSealImage(f"the seal image has far more than {MAX_UPLOAD_PIXELS} pixels") from None
    except UnidentifiedImageError:
        raise InvalidSealImage("the seal file is not a picture") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise InvalidSealImage("the seal picture is damaged or cut short") from None
    rgba.thumbnail((EMBEDDED_SIDE, EMBEDDED_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return UploadedSeal(out.getvalue())


def _check_header(image: Image.Image) -> None:
    """PNG, at most MAX_UPLOAD_SIDE on a side, with transparency: all read from the header."""
    if image.format != "PNG":
        raise InvalidSealImage(f"the seal image must be a PNG, not {image.format}")
    width, height = image.size
    if max(width, height) > MAX_UPLOAD_SIDE:
        raise InvalidSealImage(f"the seal image is {width}×{height} pixels, at most {MAX_UPLOAD_SIDE} on a side")
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        raise InvalidSealImage("the seal image has no transparency (save it as a PNG with a transparent background)")


def draw_seal(canvas: Canvas, seal: Seal, cx: float, cy: float, diameter: float) -> None:
    """Stamp the seal centred on (cx, cy), in points."""
    canvas.saveState()
    if isinstance(seal, UploadedSeal):
        image = ImageReader(io.BytesIO(seal.png))
        width, height = image.getSize()
        scale = diameter / max(width, height)
        canvas.drawImage(image, cx - width * scale / 2, cy - height * scale / 2,
                         width * scale, height * scale, mask="auto")
    else:
        canvas.translate(cx, cy)
        canvas.setFillColorRGB(*SEAL_RED, alpha=SEAL_OPACITY)
        canvas.setStrokeColorRGB(*SEAL_RED, alpha=SEAL_OPACITY)
        radius = diameter / 2
        canvas.setLineWidth(radius * RING)
        canvas.circle(0, 0, radius * (1 - RING / 2), stroke=1, fill=0)
        _draw_star(canvas, radius * STAR)
        _draw_arc_text(canvas, seal.unit_name, radius)
        if seal.bottom_text:
            _draw_bottom_text(canvas, seal.bottom_text, radius)
    canvas.restoreState()


@dataclass(frozen=True)
class ArcText:
    """Where the unit name goes round the upper arc: the character size and each one's angle.

    Angles are radians anticlockwise from the top (the first character, on the left, is the
    largest); every character stands upright towards the rim, its outer edge on one circle.
    """

    size: float
    angles: tuple[float, ...]


def arc_text(count: int, radius: float) -> ArcText:
    """Spread count characters over the upper arc (up to 240°), as large as they fit apart.

    A short name keeps the largest characters and spreads them out; a long one (20
    characters) runs over 240° with smaller characters, each still clear of its neighbours
    at their closest, the inner edge.
    """
    if count <= 1:
        return ArcText(radius * NAME_LARGEST, (0.0,) * count)
    outer = radius * NAME_OUTER
    step = SPAN_WIDEST / (count - 1)
    fitting = 2 * outer * math.sin(step / 2) / (NAME_SPACING * NARROW + 2 * math.sin(step / 2))
    size = min(radius * NAME_LARGEST, fitting)
    needed = 2 * math.asin(min(1.0, NAME_SPACING * NARROW * size / (2 * (outer - size))))
    spread = min(SPAN_NARROWEST, STEP_APART * (count - 1))  # a short name spread out, not huddled at the top
    span = min(SPAN_WIDEST, max(spread, needed * (count - 1)))
    return ArcText(size, tuple(span / 2 - span * index / (count - 1) for index in range(count)))


def _draw_star(canvas: Canvas, outer: float) -> None:
    inner = outer * 0.382
    points = [
        ((outer if index % 2 == 0 else inner) * math.cos(math.pi / 2 + index * math.pi / 5),
         (outer if index % 2 == 0 else inner) * math.sin(math.pi / 2 + index * math.pi / 5))
        for index in range(10)
    ]
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_arc_text(canvas: Canvas, text: str, radius: float) -> None:
    """The unit name clockwise along the upper arc, each character upright to the rim."""
    font = cjk_font()
    layout = arc_text(len(text), radius)
    baseline = radius * NAME_OUTER - layout.size * ASCENT
    for character, angle in zip(text, layout.angles):
        canvas.saveState()
        canvas.rotate(math.degrees(angle))
        _draw_narrow(canvas, character, font, layout.size, 0, baseline)
        canvas.restoreState()


def _draw_bottom_text(canvas: Canvas, text: str, radius: float) -> None:
    """The seal's purpose (审批专用章) in one straight line under the star."""
    font = cjk_font()
    size = min(radius * PURPOSE_LARGEST, radius * PURPOSE_WIDTH / (max(len(text), 1) * NARROW))
    _draw_narrow(canvas, text, font, size, 0, -radius * PURPOSE_BASELINE)
def _draw_narrow(canvas: Canvas, text: str, font: str, size: float, x: float, y: float) -> None:
    """Draw text centred on x with the narrow letterforms seals use."""
    width = stringWidth(text, font, size) * NARROW
    line = canvas.beginText()
    line.setFont(font, size)
    line.setHorizScale(NARROW * 100)
    line.setTextOrigin(x - width / 2, y)
    line.textOut(text)
    canvas.drawText(line)
