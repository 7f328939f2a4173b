"""Helpers for the scan tests: the real uploader against a running server, and what is left on disk."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterable
from pathlib import Path
from typing import Any

from village_client.uploader import ScanUploader

from .support import ApiClient, Reply, RunningServer, open_demo_case


def uploader(server: RunningServer, client: ApiClient, **options: Any) -> ScanUploader:
    """The village client's uploader, signed in as client."""
    return ScanUploader(server.session, server.base, client.token, **options)


def archived(data_dir: Path) -> set[str]:
    """Digests of every file in the encrypted archive."""
    return {path.name for path in (data_dir / "archive" / "objects").glob("??/*")}


def unfinished_uploads(data_dir: Path) -> list[Path]:
    """Whatever is left of uploads in progress (directories and files)."""
    root = data_dir / "uploads"
    return sorted(root.rglob("*")) if root.exists() else []


async def fetch(server: RunningServer, client: ApiClient, path: str) -> tuple[int, bytes, dict[str, str]]:
    """A GET whose body may be binary (tiles, thumbnails, the original file)."""
    headers = {"Authorization": f"Bearer {client.token}"}
    async with server.session.get(server.base + path, headers=headers) as response:
        return response.status, await response.read(), dict(response.headers)


async def put_chunk(server: RunningServer, client: ApiClient, upload_id: str, offset: int,
                    data: bytes | AsyncIterable[bytes], digest_of: bytes | None = None) -> Reply:
    """One raw chunk PUT, with the Content-Digest of digest_of (default: of the data itself).

    Data sent piece by piece (an async iterable) needs digest_of: the whole chunk, for its digest and length.
    """
    whole = data if isinstance(data, bytes) else digest_of
    assert whole is not None, "a chunk sent piece by piece needs digest_of"
    digest = base64.b64encode(hashlib.sha256(whole if digest_of is None else digest_of).digest()).decode()
    headers = {"Authorization": f"Bearer {client.token}", "Content-Digest": f"sha-256=:{digest}:"}
    if not isinstance(data, bytes):
        headers["Content-Length"] = str(len(whole))
    url = f"{server.base}/api/uploads/{upload_id}/chunks/{offset}"
    async with server.session.put(url, data=data, headers=headers) as response:
        return Reply(response.status, await response.json(content_type=None), dict(response.headers))


def start_body(path: Path, material: str = "other", name: str | None = None) -> dict[str, Any]:
    data = path.read_bytes()
    return {"filename": name or path.name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "material": material}


async def audit_actions(client: ApiClient, case_id: int) -> list[str]:
    reply = await client.get(f"/api/cases/{case_id}/timeline")
    assert reply.status == 200, reply.body
    return [event["action"] for event in reply.body]


async def refused_upload(server: RunningServer, path: Path) -> tuple[int, dict[str, str]]:
    """Send a whole file and complete it; the completion's status and error body."""
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    upload = (await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(path))).body
    data = path.read_bytes()
    for offset in range(0, len(data), upload["chunk_size"]):
        sent = await put_chunk(server, clerk, upload["id"], offset, data[offset:offset + upload["chunk_size"]])
        assert sent.status == 200, sent.body
    reply = await clerk.post(f"/api/uploads/{upload['id']}/complete")
    again = await clerk.post(f"/api/uploads/{upload['id']}/complete")
    assert again.status == 409, "a refused upload stays refused"
    assert (await clerk.get(f"/api/cases/{case['id']}/documents")).body == []
    assert "document_upload_refused" in await audit_actions(clerk, case["id"])
    return reply.status, reply.body
