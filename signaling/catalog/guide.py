"""The printable guide page (办事指南) of an item, with a QR code pointing back to it.

Its style is /common/guide.css: pages hold no inline style or script (api/headers.py).
"""

from __future__ import annotations

from html import escape
from typing import Any

from .items import LEVEL_NAMES, combined_materials

FORM_NAMES = {"original": "原件", "copy": "复印件"}

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · 办事指南</title>
<link rel="stylesheet" href="/common/guide.css"></head><body class="guide">
<div class="qr">{qr}<br>扫码查看本指南</div>
<p class="plain">{title}</p>
<h1>{name}</h1>
<p>{facts}</p>
<h2>需要带的材料</h2>
<table><tr><th>材料</th><th>原件/复印件</th><th>份数</th></tr>{materials}</table>
<h2>办事指南</h2>
{guide}
</body></html>"""


def qr_svg(url: str) -> str:
    """An inline SVG QR code for url."""
    # the SVG writer loads lxml: imported by the first guide page, not at start (idle memory, #9)
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return str(image.to_string(encoding="unicode"))


def guide_html(entry: dict[str, Any], url: str, departments: dict[str, str]) -> str:
    """The guide page of an item, or of a 一件事 bundle (entry with an "items" list)."""
    items = entry["items"] if "items" in entry else [entry]
    materials = combined_materials(items)
    rows = "".join(
        f"<tr><td>{escape(m['name'])}</td><td>{FORM_NAMES[m['form']]}</td><td>{m['count']}</td></tr>"
        for m in materials
    )
    return PAGE.format(
        title=escape(entry["title"]), name=escape(entry["name"]), qr=qr_svg(url),
        facts=escape(_facts(items, departments)), materials=rows,
        guide="".join(f"<p>{escape(item['name'])}:{escape(item['guide'])}</p>" for item in items)
        if len(items) > 1 else f"<p>{escape(entry['guide'])}</p>",
    )


def _facts(items: list[dict[str, Any]], departments: dict[str, str]) -> str:
    level = max((item["level"] for item in items), key=("village", "town", "district").index)
    days = max(item["time_limit_days"] for item in items)
    handled_by = "、".join(dict.fromkeys(departments.get(d, d) for i in items for d in i["departments"]))
    limit = "即办(当场办结)" if days == 0 else f"{days} 个工作日内办结"
    return f"办理层级:{LEVEL_NAMES[level]};办理部门:{handled_by or '窗口'};办理时限:{limit}。"
