"""聊天记录: the chat of a case as its viewer sees it — over a marked background, or exported as a marked picture.

The background and the exported transcript carry the viewer's visible lines and hidden id
(marks.py), so a screenshot of the chat panel or a forwarded export names who it was shown to.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFont

from watermark.visible import CJK_FONT

from ..audit.acts import Act
from ..config import CHINA_TZ
from ..marks.pictures import marked, png
from ..marks.register import CHAT, Marked, ViewerMark, viewer_mark
from ..storage.database import first
from .call_records import case_messages

if TYPE_CHECKING:
    import sqlite_utils

PAGE_WIDTH = 1240  # A4 at 150 dpi: prints and reads like a page
MARGIN, FONT_PX, LINE_PX = 80, 30, 46
CHARS_PER_LINE = (PAGE_WIDTH - 2 * MARGIN) // FONT_PX


def chat_for_viewer(
    db: sqlite_utils.Database, act: Act, case_id: int, what: str
) -> tuple[ViewerMark, list[dict[str, Any]], dict[str, Any]]:
    """The viewer's mark for the case's chat (background or transcript), the messages and the case."""
    messages = case_messages(db, act.actor, case_id)
    case = first(db, "select id, number from cases where id = ?", [case_id]) or {"id": case_id, "number": ""}
    mark = viewer_mark(db, act, Marked(CHAT, what, case_id), "chat_watermarked", case)
    return mark, messages, case


def transcript_png(case_number: str, messages: list[dict[str, Any]], mark: ViewerMark) -> bytes:
    """The chat as a page of text, marked for its viewer."""
    lines = [f"办件 {case_number} 通话留言 Chat transcript", ""]
    for message in messages:
        at = message["at"]
        lines.append(f"{_china_time(at)}  {message['author']}")
        lines.extend("    " + part for part in textwrap.wrap(message["text"], CHARS_PER_LINE - 2) or [""])
    if not messages:
        lines.append("（没有留言 no messages）")
    height = max(PAGE_WIDTH, 2 * MARGIN + LINE_PX * len(lines))
    page = Image.new("RGB", (PAGE_WIDTH, height), (255, 255, 255))
    draw, font = ImageDraw.Draw(page), ImageFont.truetype(CJK_FONT, FONT_PX)
    for number, line in enumerate(lines):
        draw.text((MARGIN, MARGIN + number * LINE_PX), line, fill=(20, 20, 20), font=font)
    return png(marked(page, mark))


def _china_time(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
