"""A case decided through the real server, and the document it issues (for the e-seal tests)."""

from __future__ import annotations

from typing import Any

from .support import ApiClient, RunningServer, open_demo_case

REVIEWERS = {"zh-hrss": "dept-hrss", "zh-civil": "dept-civil"}


async def decide(
    server: RunningServer, action: str, body: dict[str, Any], reviews: tuple[str, ...] = ()
) -> tuple[ApiClient, dict[str, Any], bytes]:
    """A clerk opens a case, the town window decides; the clerk downloads the issued document."""
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    path = f"/api/cases/{case['id']}"
    await approver.post(f"{path}/actions/start_review", {})
    if reviews:
        await approver.post(f"{path}/reviews", {"departments": list(reviews)})
        for unit in reviews:
            reviewer = await server.login(REVIEWERS[unit])
            assert (await reviewer.post(f"{path}/review", {"decision": "approve"})).status == 200
    reply = await approver.post(f"{path}/actions/{action}", body)
    assert reply.status == 200, reply.body
    documents = (await clerk.get(f"{path}/documents")).body
    assert len(documents) == 1
    status, pdf = await clerk.get_bytes(f"/api/documents/{documents[0]['id']}/file")
    assert status == 200 and pdf.startswith(b"%PDF")
    return clerk, documents[0], pdf


def flip_content_byte(pdf: bytes) -> bytes:
    """The document with one bit changed inside the page content, which every signature covers."""
    at = pdf.index(b"stream") + 20
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
