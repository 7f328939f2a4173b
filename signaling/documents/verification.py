"""核验: the public page where anyone checks a printed or received document against the CA."""

from __future__ import annotations

import json
from html import escape
from typing import Any

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>文件核验 Verify a document</title>
<style>
body {{ font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; font-size: 20px;
       line-height: 1.6; max-width: 40em; margin: 1.5em auto; padding: 0 1em; color: #111; }}
h1 {{ font-size: 1.6em; }} .en {{ color: #555; font-size: .8em; }}
.box {{ border: 2px solid #888; border-radius: 8px; padding: .8em 1em; margin: 1em 0; }}
.ok {{ border-color: #1a7f37; background: #eefbf1; }} .bad {{ border-color: #b00; background: #fdeeee; }}
input[type=file] {{ font-size: 1em; }}
</style></head><body>
<h1>电子文件核验 <span class="en">Verify a signed document</span></h1>
{registered}
<div class="box">
<p>选择收到的 PDF 文件,系统会核对电子签章是否有效、文件签署后有没有被改动。<br>
<span class="en">Choose the PDF: the server checks its signatures and whether it changed since signing.</span></p>
<input type="file" id="file" accept="application/pdf">
</div>
<div id="result" aria-live="polite"></div>
<script type="module">
const code = {code};
const show = (ok, html) => {{
  const box = document.getElementById("result");
  box.className = "box " + (ok ? "ok" : "bad");
  box.innerHTML = html;
}};
const esc = (text) => String(text ?? "").replace(/[&<>"]/g, (c) => `&#${{c.charCodeAt(0)}};`);
document.getElementById("file").addEventListener("change", async (event) => {{
  const file = event.target.files[0];
  if (!file) return;
  show(true, "正在核验… <span class='en'>Checking…</span>");
  const reply = await fetch("/api/verify" + (code ? "?code=" + encodeURIComponent(code) : ""),
                            {{ method: "POST", body: file, headers: {{ "Content-Type": "application/pdf" }} }});
  const result = await reply.json();
  if (!reply.ok) {{ show(false, esc(result.message)); return; }}
  const report = result.report, issued = result.registered;
  const signers = report.signatures.map((s) =>
    `<li>${{esc(s.unit_name)}} ${{esc(s.approver_name)}} ${{esc(s.signed_at)}} ${{s.ok ? "✔" : "✘"}}</li>`);
  const problems = report.problems.map((p) => `<li>${{esc(p.message)}}</li>`);
  const same = issued
    ? `<p>与本系统签发的${{esc(issued.kind_name)}}(办件 ${{esc(issued.case_number)}})完全一致。</p>`
    : "<p>本系统中没有与此文件完全一致的签发记录。</p>";
  const verdict = report.ok ? "<h2>✔ 签章有效,文件未被改动</h2>" : "<h2>✘ 核验未通过</h2>";
  show(report.ok, verdict + same + "<p>签章单位:</p><ul>" + signers.join("") + "</ul>"
       + (problems.length ? "<ul>" + problems.join("") + "</ul>" : ""));
}});
</script>
</body></html>"""


def verify_page(registered: dict[str, Any] | None, code: str) -> str:
    """The page, showing what the server issued under the code when there is one."""
    facts = ""
    if registered is not None:
        facts = (
            f"<div class='box'><p>核验码 {escape(code)} 对应:{escape(registered['kind_name'])},"
            f"办件编号 {escape(registered['case_number'])},签发时间 {escape(registered['issued_at'][:16])}。</p>"
            f"<p class='en'>SHA-256 {escape(registered['sha256'])}</p></div>"
        )
    elif code:
        facts = "<div class='box bad'><p>没有找到这个核验码对应的文件。<span class='en'>Unknown code.</span></p></div>"
    return PAGE.format(registered=facts, code=json.dumps(code))
