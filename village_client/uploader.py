"""Sending a scan to the server in chunks, resuming after every cut from the last confirmed byte.

The protocol (see docs/scans.md): announce the file (name, size, SHA-256,
material) → the server answers an upload id, its chunk size and how much it already has;
send each chunk with its own SHA-256, several at once (up to the server's `chunks_in_flight`:
one chunk's sealing and commit at the server overlap the next one's bytes), sized to the
link so that a cut costs seconds (chunks.ChunkPlan); after a failure ask how far the server
got and send that chunk again; complete.
The same file twice is done at once. Talks to the server over HTTP only.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from protocol.words import ErrorCode

from .chunks import Chunk, ChunkPlan, Pieces, Progress, ReadAhead, Tally
from .exceptions import LoginFailed, ServerUnreachable, UploadRefused
from .server_options import untrusted_server_words

logger = logging.getLogger(__name__)

# The server sends these for a chunk that should simply be sent again.
RESEND_CODES = {ErrorCode.OFFSET_MISMATCH, ErrorCode.CHUNK_CUT, ErrorCode.CHUNK_DIGEST_MISMATCH}
TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=120)


class Retry(Exception):
    """A failure that sending again can cure: a cut connection, a restarting server, a damaged chunk."""


@dataclass
class UploadResult:
    """The stored document, whether the server had it already, and the offsets sending resumed from."""

    document: dict[str, Any]
    duplicate: bool = False
    resumed_from: list[int] = field(default_factory=list)


class Patience:
    """Waits longer after each failure in a row, and gives up after `seconds` without progress."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.reset()

    def reset(self) -> None:
        self._since = time.monotonic()
        self._delay = 0.25

    async def wait(self, reason: object) -> None:
        if time.monotonic() - self._since > self.seconds:
            raise ServerUnreachable(f"服务器 {self.seconds:.0f} 秒内没有响应，上传已暂停，稍后重试即可从断点继续。",
                                    f"No progress for {self.seconds:.0f} s ({reason}); retry later to resume.")
        logger.info("retrying in %.1f s: %s", self._delay, reason)
        await asyncio.sleep(self._delay)
        self._delay = min(self._delay * 2, 4.0)


async def login(session: aiohttp.ClientSession, server: str, username: str, password: str) -> str:
    """A session token for the account."""
    url = server.rstrip("/") + "/api/login"
    try:
        async with session.post(url, json={"username": username, "password": password}) as response:
            body = await response.json(content_type=None)
    except aiohttp.ClientConnectorCertificateError as error:
        raise ServerUnreachable(*untrusted_server_words(error)) from error
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        raise ServerUnreachable(f"无法连接服务器 {server}。", f"Cannot reach {server}: {error}") from error
    if response.status != 200:
        raise LoginFailed(body.get("message", "登录失败。"), body.get("message_en", "Login failed."))
    return str(body["token"])


def file_digest(path: Path) -> tuple[int, str]:
    """The file's size and SHA-256."""
    with path.open("rb") as source:
        return path.stat().st_size, hashlib.file_digest(source, "sha256").hexdigest()


@dataclass
class Sending:
    """One `send`: the upload, its file, and what its chunks in flight share."""

    upload: dict[str, Any]
    path: Path
    tally: Tally
    patience: Patience
    resumed: list[int] = field(default_factory=list)


class ScanUploader:
    """Uploads files to cases of one server as one signed-in clerk."""

    def __init__(self, session: aiohttp.ClientSession, server: str, token: str,
                 patience: float = 300.0, max_rate: float | None = None) -> None:
        self._session, self._base, self._token = session, server.rstrip("/"), token
        self.patience = patience
        self.max_rate = max_rate  # bytes per second, to leave room for the call's video on a weak link

    async def upload(self, case_id: int, path: Path, material: str = "other",
                     progress: Progress | None = None) -> UploadResult:
        """Send the file to the case; resumes by itself until it is stored or refused."""
        upload = await self.announce(case_id, path, material)
        if upload["state"] == "complete":
            _report(progress, upload["size"], upload["size"])
            return UploadResult(upload["document"], duplicate=True)
        resumed = await self.send(upload, path, progress)
        return UploadResult(await self.complete(upload["id"]), resumed_from=resumed)

    async def announce(self, case_id: int, path: Path, material: str = "other") -> dict[str, Any]:
        """Tell the server what is coming: the upload to continue (or the document, if the case has it)."""
        size, sha256 = await asyncio.to_thread(file_digest, path)
        announce = {"filename": path.name, "size": size, "sha256": sha256, "material": material}
        return await self._persist(Patience(self.patience), "POST", f"/api/cases/{case_id}/uploads", announce)

    async def send(self, upload: dict[str, Any], path: Path, progress: Progress | None = None) -> list[int]:
        """Send every chunk the server does not have yet; the offsets sending resumed from."""
        plan = ChunkPlan(upload["received"], upload["size"], upload["chunk_size"],
                         upload.get("min_chunk_size", upload["chunk_size"]), upload.get("chunks_in_flight", 1))
        tally = Tally(progress, upload["size"], upload["received"], self.max_rate)
        sending = Sending(upload, path, tally, Patience(self.patience))
        while True:
            try:
                await self._send_all(sending, plan)
                break
            except Retry as why:  # a cut: every chunk in flight is lost; go on from where the server is
                await sending.patience.wait(why)
                received = (await self._persist(sending.patience, "GET", f"/api/uploads/{upload['id']}"))["received"]
                sending.resumed.append(received)
                logger.info("upload %s: resuming at byte %d", upload["id"], received)
                await plan.rewind(received)
        tally.report(upload["size"])
        return sorted(sending.resumed)

    async def complete(self, upload_id: str) -> dict[str, Any]:
        """Ask the server to verify and store the file: the document."""
        done = await self._persist(Patience(self.patience), "POST", f"/api/uploads/{upload_id}/complete")
        return dict(done["document"])

    async def _send_all(self, sending: Sending, plan: ChunkPlan) -> None:
        """Chunks, several at once, until the plan has none left; Retry at the first failure (the rest dropped)."""
        reading = ReadAhead(sending.path, plan)

        async def lane() -> None:
            while (taken := await plan.take()) is not None:  # the next bytes no lane has taken
                chunk = await reading.chunk(*taken)
                await self._send_chunk(sending.upload["id"], chunk, sending.tally)
                sending.patience.reset()
                await plan.done(chunk.offset)

        try:
            async with asyncio.TaskGroup() as lanes:
                for _ in range(plan.most_in_flight):
                    lanes.create_task(lane())
        except BaseExceptionGroup as failed:  # a refusal before a cut: it decides
            errors = failed.exceptions
            raise next((error for error in errors if not isinstance(error, Retry)), errors[0]) from None

    async def _send_chunk(self, upload_id: str, chunk: Chunk, tally: Tally) -> dict[str, Any]:
        headers = {"Content-Length": str(len(chunk.data)), "Content-Digest": f"sha-256=:{chunk.sha256}:",
                   "Content-Type": "application/octet-stream"}
        body = Pieces(chunk.data, tally)
        try:
            return await self._call("PUT", f"/api/uploads/{upload_id}/chunks/{chunk.offset}", data=body,
                                    headers=headers)
        except BaseException:  # failed, or dropped with the others in flight
            tally.take_back(body.sent)
            raise

    async def _persist(self, patience: Patience, method: str, path: str, json: Any = None) -> dict[str, Any]:
        """A request repeated through cuts and restarts, until it answers or patience runs out."""
        while True:
            try:
                reply = await self._call(method, path, json=json)
            except Retry as why:
                await patience.wait(why)
                continue
            patience.reset()
            return reply

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token}", **kwargs.pop("headers", {})}
        try:
            async with self._session.request(method, self._base + path, headers=headers,
                                             timeout=TIMEOUT, **kwargs) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError, ValueError) as error:
            raise Retry(f"{method} {path}: {error!r}") from error
        return _checked(response.status, body, f"{method} {path}")


def _checked(status: int, body: Any, what: str) -> dict[str, Any]:
    """The reply body, Retry for what sending again cures, UploadRefused for the rest."""
    if status < 400:
        return dict(body)
    code = body.get("error", "") if isinstance(body, dict) else ""
    if status >= 500 or code in RESEND_CODES:
        raise Retry(f"{what}: {status} {code}")
    message = body.get("message", "上传被拒绝。") if isinstance(body, dict) else "上传被拒绝。"
    message_en = body.get("message_en", "") if isinstance(body, dict) else str(body)[:200]
    raise UploadRefused(message, message_en or f"{what}: HTTP {status}", code or f"http_{status}")


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)

