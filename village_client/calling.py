"""`cunneng village call`: join as the village window from the command line, headless."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiortc import MediaStreamTrack

from .connection import ServerError
from .consult import CallRefused, Party
from .tracks import file_tracks

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNANSWERED, EXIT_DROPPED = 0, 1, 2, 3, 4
Printer = Callable[[str], None]
STATUS_EVERY = 5.0  # seconds between the lines saying what arrived
WATCH_EVERY = 0.2  # how soon a dropped call is noticed
ENDED_NORMALLY = ("hung_up", "left")  # someone hung up; any other end of an answered call is a drop


@dataclass(frozen=True)
class CallOptions:
    server: str
    user: str
    password: str
    case_id: int
    video_file: str | None
    duration: float


async def village_call(options: CallOptions, out: Printer) -> int:
    """Place the call, hold it for the duration printing what arrives, hang up; an exit code."""
    audio, video = file_tracks(options.video_file) if options.video_file else (None, None)
    try:
        party = await Party.sign_in(options.server, options.user, options.password, **tracks(audio, video))
    except ServerError as error:
        out(f"无法登录 cannot sign in: {error.body.get('message')} {error.body.get('message_en')}")
        return EXIT_REFUSED
    try:
        return await _hold(party, options, out)
    finally:
        await party.close()


def tracks(audio: MediaStreamTrack | None, video: MediaStreamTrack | None) -> dict[str, MediaStreamTrack]:
    return {k: v for k, v in (("audio", audio), ("video", video)) if v is not None}


async def _hold(party: Party, options: CallOptions, out: Printer) -> int:
    try:
        call_id = await party.place_call(options.case_id)
    except CallRefused as error:
        out(f"无法发起视频 call refused: {error.error.get('message')} {error.error.get('message_en')}")
        return EXIT_REFUSED
    out(f"calling: call {call_id} is ringing at the town/district window")
    answered = await party.connection.wait_for(
        lambda m: m.get("call_id") == call_id and m.get("type") in ("call.accepted", "call.ended"), 120, "answer")
    if answered["type"] == "call.ended":
        out("无人接听 no one answered")
        return EXIT_UNANSWERED
    out(f"connected: answered by {answered['by']}")
    return await _stay(party, options.duration, out)


async def _stay(party: Party, duration: float, out: Printer) -> int:
    """Hold the call for `duration` s, then hang up; stop at once when it ends or the server goes away."""
    now = time.monotonic()
    deadline, next_status = now + duration, now + STATUS_EVERY
    while now < deadline:
        if party.ended is not None:
            return _ended(party.ended, out)
        if party.connection.closed:
            out("通话中断 call dropped: 与服务器的连接断开了 (lost the connection to the server)")
            return EXIT_DROPPED
        if now >= next_status:
            out(status_line(party))
            next_status += STATUS_EVERY
        await asyncio.sleep(min(WATCH_EVERY, deadline - now))
        now = time.monotonic()
    await party.hang_up()
    out("hung up")
    return EXIT_OK


def _ended(ended: dict[str, Any], out: Printer) -> int:
    reason = ended.get("reason")
    if reason in ENDED_NORMALLY:
        out(f"call ended by the other side: {reason}")
        return EXIT_OK
    out(f"通话中断 call dropped: {reason}")
    return EXIT_DROPPED


def status_line(party: Party) -> str:
    """What arrived so far from every other participant."""
    if party.peer is None:
        return "no media yet"
    parts = [f"{pid}: {r.video_frames} video, {r.audio_frames} audio frames"
             for pid, r in party.peer.received.items()]
    return f"media {party.peer.state}; " + ("; ".join(parts) or "nothing received yet")

