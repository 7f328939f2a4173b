"""`cunneng selftest`: a complete consult against a running server, one line per step.

Operators run it after installing, to check the network, TURN and the server: a headless
village window and a headless approver sign in, a case is opened, the call is placed and
answered, both sides decode each other's video, the village sends a generated 600 dpi scan
the approver is told of (same SHA-256), and the call ends. Each step prints
`ok <step> <seconds>` or `FAIL <step> <reason>`; the run stops at the first failure.
"""

from __future__ import annotations

import asyncio
import io
import random
import ssl
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import av
from cryptography import x509

from eseal import TrustAnchors, verify_pdf
from protocol.idnumber import check_character
from protocol.words import CaseEvent, ServerMessage

from .consult import Party
from .sample_scan import write_sample_scan
from .server_options import trusting_session
from .uploader import ScanUploader, file_digest

STEP_TIMEOUT = 30.0


@dataclass
class Selftest:
    """What the steps share: the server, the accounts, and what earlier steps made."""

    server: str
    village_user: str
    approver_user: str
    password: str
    item_code: str
    out: Callable[[str], None] = print
    trust: ssl.SSLContext | None = None  # the county's root, for an https:// server the local CA certified
    village: Party | None = None
    approver: Party | None = None
    case: dict[str, Any] = field(default_factory=dict)
    call_id: str = ""
    call_seconds: float = 0.0  # the server's duration of the call, from its answer to its end
    media_seen_at: float = 0.0  # monotonic time both sides first saw each other's video
    seen_seconds: float = 0.0  # from then to the end of the call

    @property
    def village_account_id(self) -> str:
        assert self.village is not None
        return self.village.account_id


Step = tuple[str, Callable[[Selftest], Awaitable[None]]]


def citizen_id() -> str:
    """A random valid test ID number (GB 11643 check character computed)."""
    first17 = f"510802{random.randint(1950, 2000)}0{random.randint(1, 9)}1{random.randint(0, 9)}" \
              f"{random.randint(100, 999)}"
    return first17 + check_character(first17)


async def health(test: Selftest) -> None:
    async with trusting_session(test.trust) as session, session.get(f"{test.server.rstrip('/')}/healthz") as reply:
        if reply.status != 200:
            raise RuntimeError(f"/healthz answered {reply.status}")


async def sign_in(test: Selftest) -> None:
    test.village = await Party.sign_in_trusting(test.trust, test.server, test.village_user, test.password)
    test.approver = await Party.sign_in_trusting(test.trust, test.server, test.approver_user, test.password)


async def open_case(test: Selftest) -> None:
    assert test.village is not None
    test.case = await test.village.connection.api("POST", "/api/cases", {
        "villager": {"id_number": citizen_id(), "name": "自检群众", "phone": "13800000000"},
        "item_code": test.item_code,
    })


async def place_call(test: Selftest) -> None:
    assert test.village is not None and test.approver is not None
    test.call_id = await test.village.place_call(test.case["id"])
    await test.approver.connection.expect(ServerMessage.CALL_INCOMING, timeout=STEP_TIMEOUT, call_id=test.call_id)


async def answer(test: Selftest) -> None:
    assert test.approver is not None and test.village is not None
    await test.approver.accept(test.call_id)
    await test.village.connection.expect(ServerMessage.CALL_ACCEPTED, timeout=STEP_TIMEOUT, call_id=test.call_id)


async def video_both_ways(test: Selftest) -> None:
    assert test.village is not None and test.approver is not None
    await asyncio.gather(
        test.approver.wait_for_video(test.village.account_id, frames=10, timeout=STEP_TIMEOUT),
        test.village.wait_for_video(test.approver.account_id, frames=10, timeout=STEP_TIMEOUT),
    )
    test.media_seen_at = time.monotonic()


async def scan_during_call(test: Selftest) -> None:
    """The village sends a generated 600 dpi scan; the approver is told, with the same SHA-256."""
    assert test.village is not None and test.approver is not None
    connection = test.village.connection
    with tempfile.TemporaryDirectory() as folder:
        path = await asyncio.to_thread(write_sample_scan, Path(folder) / "selftest-600dpi.jpg")
        _, sent = await asyncio.to_thread(file_digest, path)
        uploader = ScanUploader(connection.session, test.server, connection.token, patience=STEP_TIMEOUT)
        await uploader.upload(test.case["id"], path)
    told = await test.approver.connection.expect(ServerMessage.CASE_EVENT, timeout=STEP_TIMEOUT,
                                                 event=CaseEvent.SCAN_ADDED, case_id=test.case["id"])
    if told["document"]["sha256"] != sent:
        raise RuntimeError(f"the approver was told of SHA-256 {told['document']['sha256']}, the village sent {sent}")


async def certificate(test: Selftest) -> None:
    """Approve during the call: the signed PDF reaches the village and verifies against the CA."""
    assert test.village is not None and test.approver is not None
    case_path = f"/api/cases/{test.case['id']}"
    await test.approver.connection.api("POST", f"{case_path}/actions/start_review", {})
    await test.approver.connection.api("POST", f"{case_path}/actions/approve", {})
    issued = await test.village.connection.wait_for(
        lambda m: m.get("type") == ServerMessage.CASE_EVENT and m.get("event") == CaseEvent.DOCUMENT_ISSUED
        and m.get("case_id") == test.case["id"], STEP_TIMEOUT, "the certificate")
    pdf = await test.village.connection.download(f"/api/documents/{issued['document']['id']}/file")
    root = await test.village.connection.download("/verify/ca.pem")
    report = await asyncio.to_thread(verify_pdf, pdf, TrustAnchors(x509.load_pem_x509_certificate(root)))
    if not report.ok:
        raise RuntimeError(f"the certificate does not verify: {', '.join(report.problems)}")


async def hang_up(test: Selftest) -> None:
    assert test.village is not None and test.approver is not None
    await test.village.hang_up()
    ended = await test.approver.wait_ended(timeout=STEP_TIMEOUT)
    if ended["state"] != "ended":
        raise RuntimeError(f"call ended as {ended['state']}")
    test.call_seconds = float(ended["duration"] or 0)
    test.seen_seconds = time.monotonic() - test.media_seen_at


async def recording(test: Selftest) -> None:
    """The server recorded the call: the village's file exists, decodes, and holds everything the approver saw.

    It lasts at least from when both sides saw each other to the end and at most the call's duration (media
    starts flowing some time after the answer: a second on a quiet machine, several on a busy one)."""
    assert test.approver is not None
    connection = test.approver.connection
    found = await connection.api("GET", f"/api/cases/{test.case['id']}/recordings")
    ours = [r for r in found if r["call_id"] == test.call_id]
    if len(ours) < 2:
        raise RuntimeError(f"{len(ours)} recordings for the call, expected one per party")
    village = next(r for r in ours if r["party_id"] == test.village_account_id)
    data = await connection.download(f"/api/recordings/{village['id']}/media")
    seconds = recorded_seconds(data)
    if not test.seen_seconds - 1.0 <= seconds <= test.call_seconds + 1.0:
        raise RuntimeError(f"recording lasts {seconds:.1f} s, the call {test.call_seconds:.1f} s, "
                           f"its video {test.seen_seconds:.1f} s")


def recorded_seconds(data: bytes) -> float:
    """The length of a recorded WebM, checked by decoding every video frame."""
    with av.open(io.BytesIO(data), mode="r") as container:
        last = 0.0
        for frame in container.decode(video=0):
            last = float(frame.time or 0)
        return max(last, (container.duration or 0) / 1_000_000)


STEPS: list[Step] = [
    ("health", health),
    ("sign-in", sign_in),
    ("open-case", open_case),
    ("place-call", place_call),
    ("answer", answer),
    ("video-both-ways", video_both_ways),
    ("scan-during-call", scan_during_call),
    ("certificate", certificate),
    ("hang-up", hang_up),
    ("recording", recording),
]


async def run_selftest(test: Selftest, steps: list[Step] = STEPS) -> bool:
    """Run the steps in order; True when every one passed."""
    try:
        for name, step in steps:
            started = time.monotonic()
            try:
                await asyncio.wait_for(step(test), STEP_TIMEOUT * 2)
            except Exception as error:  # every failure becomes a FAIL line with its reason
                test.out(f"FAIL {name} {reason(error)}")
                return False
            test.out(f"ok {name} {time.monotonic() - started:.2f}")
        return True
    finally:
        for party in (test.village, test.approver):
            if party is not None:
                await party.close()


def reason(error: BaseException) -> str:
    """One line a person can act on."""
    if isinstance(error, asyncio.TimeoutError):
        return "timed out (network, firewall or TURN?)"
    if isinstance(error, aiohttp.ClientConnectionError):
        return f"cannot reach the server: {error}"
    return str(error) or type(error).__name__

