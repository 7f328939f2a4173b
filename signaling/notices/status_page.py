"""The public status page (办件进度查询) the receipt's QR code opens: plain forms, no script, large print.

Its style is /common/public.css and /common/status.css: the page holds no inline style or script (api/headers.py).
"""

from __future__ import annotations

from html import escape
from typing import Any

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>办件进度查询 Case status</title>
<link rel="stylesheet" href="/common/public.css">
<link rel="stylesheet" href="/common/status.css"></head><body class="public status">
<h1>办件进度查询 <span class="en">Case status</span></h1>
{body}
</body></html>"""

FORM = """<form method="post" action="/status" class="box">
<label>办件编号 <span class="en">Case number</span>
<input type="text" name="case" value="{number}" autocomplete="off" required maxlength="40"></label>
<label>身份证号后4位 <span class="en">Last 4 characters of the ID number</span>
<input type="text" name="id4" autocomplete="off" inputmode="text" required maxlength="4" minlength="4"></label>
<button type="submit">查询 Look up</button>
</form>
<p class="en">只显示办理进度，不显示个人信息。Only the state and the next step are shown.</p>"""

RATING = """<form method="post" action="/status/rating" class="box">
<p><strong>请为这次服务打分（1 分最差，5 分最好）</strong> <span class="en">Rate the service</span></p>
<input type="hidden" name="case" value="{number}"><input type="hidden" name="id4" value="{id4}">
<label>意见（可不填） <span class="en">Comment</span>
<textarea name="comment" maxlength="500" rows="3"></textarea></label>
<p>点分数提交 <span class="en">Press a score to send</span></p>
{buttons}
</form>"""


def status_form(number: str = "", problem: str = "") -> str:
    """The look-up form, with what went wrong last time."""
    shown = f'<div class="box bad" role="alert">{escape(problem)}</div>' if problem else ""
    return PAGE.format(body=shown + FORM.format(number=escape(number)))


def status_result(status: dict[str, Any], id4: str, thanks: str = "") -> str:
    """The state and next step, and the rating form while a closed case is unrated."""
    parts = [
        f'<div class="box ok" role="status"><p>办件编号 {escape(status["number"])}</p>'
        f'<p class="state" data-state="{escape(status["state"])}">{escape(status["state_name"])}</p>'
        f'<p class="next-step">{escape(status["next_step"])}</p></div>',
    ]
    if thanks:
        parts.append(f'<p class="box ok thanks">{escape(thanks)}</p>')
    if status["can_rate"]:
        buttons = "".join(f'<button type="submit" name="score" value="{n}">{n} 分</button>' for n in range(1, 6))
        parts.append(RATING.format(number=escape(status["number"]), id4=escape(id4), buttons=buttons))
    elif status["rating"] is not None:
        parts.append(f'<p class="rated">已评价：{status["rating"]} 分。谢谢！</p>')
    parts.append('<p><a href="/status">查询其他办件</a></p>')
    return PAGE.format(body="".join(parts))
