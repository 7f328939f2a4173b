"""Page furniture shared by every document: styles, field tables, seals, QR code, footer.

Sizes follow Chinese official documents but one step larger for older readers: body in
四号 (14 pt), titles in 二号 (22 pt).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .fonts import cjk_font
from .seal import Seal, draw_seal

BODY_SIZE = 14
TITLE_SIZE = 22
MARGIN = 22 * mm
SEAL_DIAMETER = 40 * mm
SIGNATURE_WIDTH = 44 * mm  # three units of a joint review side by side beside the QR code
SIGNATURE_SIZE = 13
SIGNATURE_LINE = SIGNATURE_SIZE * 1.25
QR_SIDE = 26 * mm


@dataclass(frozen=True)
class SealedName:
    """A unit as it appears at the foot of a document: name (落款) and the seal over it."""

    unit_name: str
    seal: Seal


def style(name: str, size: float = BODY_SIZE, align: int = TA_LEFT, **extra: object
          ) -> ParagraphStyle:
    """A paragraph style in the CJK font, wrapping between any two Chinese characters."""
    return ParagraphStyle(name, fontName=cjk_font(), fontSize=size, leading=size * 1.6,
                          alignment=align, wordWrap="CJK", **extra)


def para(text: str, paragraph_style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain text (escaped, so names with < or & print as typed)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), paragraph_style or style("body"))


def title_block(title: str, subtitle: str = "") -> list[Flowable]:
    """The document title, centred, with an optional subtitle line under it."""
    flowables: list[Flowable] = [para(title, style("title", TITLE_SIZE, TA_CENTER))]
    if subtitle:
        flowables.append(para(subtitle, style("subtitle", BODY_SIZE, TA_CENTER)))
    flowables.append(Spacer(1, 6 * mm))
    return flowables


def grid(rows: Sequence[Sequence[str]], widths: Sequence[float], header: bool = False
         ) -> Table:
    """A ruled table of wrapped text; the first row is shaded when it is a header."""
    cell = style("cell", BODY_SIZE - 1)
    table = Table([[para(text, cell) for text in row] for row in rows], colWidths=list(widths),
                  repeatRows=1 if header else 0)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), cjk_font()),  # else Table puts Helvetica in the file
        ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")))
    table.setStyle(TableStyle(commands))
    return table


def fields(pairs: Sequence[tuple[str, str]]) -> Table:
    """Label/value rows such as 办件编号 / 申请人, labels in a narrow first column."""
    width = A4[0] - 2 * MARGIN
    return grid(pairs, [34 * mm, width - 34 * mm])


def chinese_date(day: date) -> str:
    """A date as printed on official documents: 2026年11月23日."""
    return f"{day.year}年{day.month}月{day.day}日"


class SealedSignatures(Flowable):
    """落款: each unit's seal, with its name and the date printed under it, clear of the seal."""

    def __init__(self, units: Sequence[SealedName], issued_on: date) -> None:
        super().__init__()
        self.units = list(units)
        self.issued_on = issued_on
        self.per_row = 1

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.per_row = max(1, min(len(self.units), int(available_width // SIGNATURE_WIDTH)))
        rows = -(-len(self.units) // self.per_row)
        self.width = available_width
        self.height = rows * self.row_height()
        return self.width, self.height

    def lines(self, unit: SealedName) -> list[str]:
        """What is printed under a unit's seal: its name (wrapped) and the date."""
        return [*name_lines(unit.unit_name, SIGNATURE_WIDTH - 2 * mm), chinese_date(self.issued_on)]

    def row_height(self) -> float:
        """A seal, the longest name's lines and the date, with a little air."""
        return SEAL_DIAMETER + max(len(self.lines(unit)) for unit in self.units) * SIGNATURE_LINE + 4 * mm

    def centre(self, index: int) -> tuple[float, float]:
        """Where the index-th unit's seal goes; right-aligned, as a Chinese 落款 is."""
        row, column = divmod(index, self.per_row)
        return (self.width - (self.per_row - column - 0.5) * SIGNATURE_WIDTH,
                self.height - row * self.row_height() - SEAL_DIAMETER / 2)

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFont(cjk_font(), SIGNATURE_SIZE)
        canvas.setFillColor(colors.black)
        for index, unit in enumerate(self.units):
            cx, cy = self.centre(index)
            top = cy - SEAL_DIAMETER / 2 - 1 * mm
            for number, line in enumerate(self.lines(unit), start=1):
                canvas.drawCentredString(cx, top - number * SIGNATURE_LINE, line)
            draw_seal(canvas, unit.seal, cx, cy, SEAL_DIAMETER)


def name_lines(name: str, width: float) -> list[str]:
    """A unit name broken into balanced lines no wider than width at the signature size."""
    count = max(1, math.ceil(stringWidth(name, cjk_font(), SIGNATURE_SIZE) / width))
    per_line = math.ceil(len(name) / count)
    return [name[start:start + per_line] for start in range(0, len(name), per_line)]


class QrCode(Flowable):
    """A QR code drawn as vector squares: sharp at any print resolution and a few KB."""

    def __init__(self, data: str, side: float = QR_SIDE) -> None:
        super().__init__()
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        code.add_data(data)
        code.make(fit=True)
        self.matrix: list[list[bool]] = code.get_matrix()
        self.width = self.height = side

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        module = self.width / len(self.matrix)
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for row_index, row in enumerate(self.matrix):
            y = self.height - (row_index + 1) * module
            for column, dark in enumerate(row):
                if dark:
                    path.rect(column * module, y, module, module)
        canvas.drawPath(path, stroke=0, fill=1)


def closing_block(units: Sequence[SealedName], issued_on: date, verify_url: str
                  ) -> Flowable:
    """The foot of a document: QR code with its caption on the left, seals on the right."""
    width = A4[0] - 2 * MARGIN
    caption = style("caption", 9, TA_CENTER)
    left: list[Flowable] = []
    if verify_url:
        left = [QrCode(verify_url), para("扫码核验真伪", caption), para("Scan to verify", caption)]
    table = Table([[left, SealedSignatures(units, issued_on)]],
                  colWidths=[QR_SIDE + 4 * mm, width - QR_SIDE - 4 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), cjk_font()),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 8 * mm), table])


def build_pdf(story: list[Flowable], *, title: str, author: str, footer: str, keywords: str = "") -> bytes:
    """Lay the story out on A4 pages with the footer line and page number on each page."""
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 8 * mm, title=title, author=author, subject=title, keywords=keywords,
        creator="cunneng 村能办", initialFontName=cjk_font(), lang="zh-CN",
    )

    def draw_footer(canvas: Canvas, _document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(cjk_font(), 9)
        canvas.setStrokeColor(colors.grey)
        canvas.line(MARGIN, MARGIN + 4 * mm, A4[0] - MARGIN, MARGIN + 4 * mm)
        line = para(footer, style("footer", 9))
        _, height = line.wrapOn(canvas, A4[0] - 2 * MARGIN - 20 * mm, 20 * mm)
        line.drawOn(canvas, MARGIN, MARGIN + 2 * mm - height)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN, f"第 {canvas.getPageNumber()} 页")
        canvas.restoreState()

    document.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return output.getvalue()
