"""核验: the public page where anyone checks a printed or received document against the CA.

The page holds no inline script or style: the code travels in a data attribute (escaped like
any other text) and /common/verify.js reads it, so the Content-Security-Policy every page
gets (api/headers.py) can refuse inline scripts — whatever a forged QR code puts in the URL.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from ..config import CHINA_TZ

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>文件核验 Verify a document</title>
<link rel="stylesheet" href="/common/public.css">
<link rel="stylesheet" href="/common/verify.css">
<script type="module" src="/common/verify.js"></script>
</head><body class="public verify" data-code="{code}">
<h1>电子文件核验 <span class="en">Verify a signed document</span></h1>
{registered}
<div class="box">
<label for="file">选择收到的 PDF 文件，系统会核对电子签章是否有效、文件签署后有没有被改动。<br>
<span class="en">Choose the PDF: the server checks its signatures and whether it changed since signing.</span></label>
<input type="file" id="file" accept="application/pdf">
</div>
<div id="result" aria-live="polite"></div>
</body></html>"""


def verify_page(registered: dict[str, Any] | None, code: str) -> str:
    """The page, showing what the server issued under the code when there is one."""
    facts = ""
    if registered is not None:
        facts = (
            f"<div class='box'><p>核验码 {escape(code)} 对应：{escape(registered['kind_name'])}，"
            f"办件编号 {escape(registered['case_number'])}，签发时间 {escape(registered['issued_at'][:16])}。</p>"
            f"<p class='en'>SHA-256 {escape(registered['sha256'])}</p>"
            f"{call_facts(registered['call'], registered['issued_at'])}</div>"
        )
    elif code:
        facts = "<div class='box bad'><p>没有找到这个核验码对应的文件。<span class='en'>Unknown code.</span></p></div>"
    return PAGE.format(registered=facts, code=escape(code, quote=True))


def call_facts(call: dict[str, Any] | None, issued_at: str) -> str:
    """视频连线: the recorded call the decision was taken in or after, and each party's recording's SHA-256."""
    if call is None:
        return ""
    ended = call["ended_at"]
    duration = f"，时长 {round(call['duration'] or 0)} 秒" if ended else ""
    if not ended or issued_at < ended:
        duration += "（本文书在通话中签发）"
    recordings = "".join(
        f"<li>{escape(r['label'])}{'（第 %d 段）' % (r['segment'] + 1) if r['segment'] else ''}："
        f"<span class='sha' data-recording-sha256>{escape(r['sha256'])}</span></li>" for r in call["recordings"])
    listed = (f"<ul class='recordings'>{recordings}</ul>" if recordings
              else "<p>录像尚未归档或已过保存期限。<span class='en'>No recording on file.</span></p>")
    return (f"<p data-call='{escape(call['id'], quote=True)}'>视频连线 {escape(call['id'])}，"
            f"{china_time(call['started_at'])} 开始{duration}；各方录像 SHA-256：<span class='en'>"
            f"The decision's recorded call and each party's recording:</span></p>{listed}")


def china_time(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S 北京时间")
