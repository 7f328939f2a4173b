"""The CJK font every document is set in: WenQuanYi Micro Hei, embedded as a subset."""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.lib import textsplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph

from .exceptions import EsealError

# Debian fonts-wqy-microhei, installed by scripts/install-system-deps; the only CJK font
# reportlab can embed here (Noto CJK has PostScript outlines reportlab cannot read).
CJK_FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
CJK_FONT = "WenQuanYiMicroHei"
# 标点禁则: full-width Chinese punctuation never starts a line. reportlab's list has the
# Japanese set but lacks these, so a lone "：" could wrap onto a line of its own.
CHINESE_CANNOT_START = "，。：；！？、）》」』】〕…"


@functools.cache
def cjk_font() -> str:
    """Register the CJK font with reportlab once per process and return its name."""
    if not CJK_FONT_PATH.exists():
        raise EsealError(f"CJK font missing: {CJK_FONT_PATH} (run scripts/install-system-deps)")
    pdfmetrics.registerFont(TTFont(CJK_FONT, str(CJK_FONT_PATH), subfontIndex=0))
    for module in (textsplit, paragraph):  # each keeps its own copy of the list
        module.ALL_CANNOT_START += "".join(
            c for c in CHINESE_CANNOT_START if c not in module.ALL_CANNOT_START)
    return CJK_FONT
