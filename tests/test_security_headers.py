"""Every response carries its security headers (#17): pages a policy without inline script, every
answer `nosniff`, stored files open as downloads or sandboxed, never as pages of this origin."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from .decision_support import decide
from .scan_samples import small_scan
from .scan_support import fetch, uploader
from .support import RunningServer, open_demo_case

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
ATTACK = "/verify/%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
PAGES = ["/", "/verify", "/verify/ZH-unknown-code", ATTACK, "/guide/T-RS-001", "/village/", "/console/", "/audit/"]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_forbids_inline_script_and_framing(server: RunningServer, path: str) -> None:
    reply = await server.anonymous().get(path)
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    policy = reply.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe" not in policy
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert not INLINE_SCRIPT.search(reply.body) and "<style" not in reply.body and " style=" not in reply.body


async def test_a_code_in_the_verify_address_stays_text(server: RunningServer) -> None:
    reply = await server.anonymous().get(ATTACK)
    assert "<script>alert(1)" not in reply.body and 'data-code="&lt;/script&gt;&lt;script&gt;' in reply.body


@pytest.mark.parametrize("path,status", [
    ("/api/items", 401), ("/api/nothing-here", 404), ("/api/cases/abc", 401), ("/healthz", 200),
    ("/verify/ca.pem", 200), ("/common/base.css", 200), ("/api/openapi.json", 200),
])
async def test_every_other_answer_is_nosniff_and_sandboxed(server: RunningServer, path: str, status: int) -> None:
    reply = await server.anonymous().get(path)
    assert reply.status == status
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"


async def test_scripts_are_nosniff_and_keep_their_page_policy(server: RunningServer) -> None:
    """A worker's policy comes with its script: a script gets none of its own."""
    reply = await server.anonymous().get("/common/verify.js")
    assert reply.status == 200 and reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in reply.headers


async def test_stored_files_are_downloads(server: RunningServer, tmp_path: Path) -> None:
    """A clerk's own scan (a PDF may carry script) and a signed document went out inline (#17)."""
    clerk, document, _ = await decide(server, "approve", {})
    status, _, headers = await fetch(server, clerk, f"/api/documents/{document['id']}/file")
    assert status == 200 and headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in headers["Content-Security-Policy"]
    case = await open_demo_case(clerk)
    scan = (await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "户口簿.jpg"))).document
    status, _, headers = await fetch(server, clerk, f"/api/documents/{scan['id']}/file")
    assert status == 200 and headers["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote("户口簿.jpg")
    assert headers["X-Content-Type-Options"] == "nosniff"
