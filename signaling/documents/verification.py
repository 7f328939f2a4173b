"""核验: the public page where anyone checks a printed or received document against the CA.

The page holds no inline script or style: the code travels in a data attribute (escaped like
any other text) and /common/verify.js reads it, so the Content-Security-Policy every page
gets (api/headers.py) can refuse inline scripts — whatever a forged QR code puts in the URL.
"""

from __future__ import annotations

from html import escape
from typing import Any

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>文件核验 Verify a document</title>
<link rel="stylesheet" href="/common/verify.css">
<script type="module" src="/common/verify.js"></script>
</head><body class="verify" data-code="{code}">
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
            f"<p class='en'>SHA-256 {escape(registered['sha256'])}</p></div>"
        )
    elif code:
        facts = "<div class='box bad'><p>没有找到这个核验码对应的文件。<span class='en'>Unknown code.</span></p></div>"
    return PAGE.format(registered=facts, code=escape(code, quote=True))
