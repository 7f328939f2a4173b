"""Every case call is recorded by the server: both parties, crash-safe, replayable with Range."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import time
from pathlib import Path

import av

from village_client.consult import Party
from village_client.tracks import PatternCamera

from .call_support import recorded_call
from .support import RunningServer, open_demo_case, serve_process


def probe(data: bytes) -> tuple[set[str], float, float]:
    """(stream kinds, duration from the container, last decodable video time)."""
    with av.open(io.BytesIO(data)) as container:
        kinds = {stream.type for stream in container.streams}
        duration = (container.duration or 0) / 1_000_000
        last = 0.0
        for frame in container.decode(video=0):
            last = float(frame.time or 0)
    return kinds, duration, last


async def test_a_call_is_recorded_per_party_and_replays(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    village, approver, call_seconds = await recorded_call(server.base, case["id"], 5.0)
    await village.close()
    await approver.close()
    auditor = await server.login("auditor")
    recordings = (await auditor.get(f"/api/cases/{case['id']}/recordings")).body
    assert sorted(r["label"] for r in recordings) == ["元坝镇窗口 刘芳", "泉坝村窗口 赵兰"]
    for recording in recordings:
        status, data = await auditor.get_bytes(f"/api/recordings/{recording['id']}/media")
        assert status == 200
        kinds, duration, last = probe(data)
        assert kinds == {"video", "audio"}
        assert abs(duration - call_seconds) <= 1.0, (duration, call_seconds)
        assert abs(recording["duration"] - call_seconds) <= 1.0
    timeline = (await auditor.get(f"/api/cases/{case['id']}/timeline")).body
    sealed = [e for e in timeline if e["action"] == "recording_sealed"]
    assert len(sealed) == 2 and all(len(e["detail"]["sha256"]) == 64 for e in sealed)


async def test_replay_seeks_with_range_and_is_logged_once(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    village, approver, _ = await recorded_call(server.base, case["id"], 3.0)
    await village.close()
    await approver.close()
    auditor = await server.login("auditor")
    recording = (await auditor.get(f"/api/cases/{case['id']}/recordings")).body[0]
    url = f"{server.base}/api/recordings/{recording['id']}/media"
    headers = {"Authorization": f"Bearer {auditor.token}"}
    async with server.session.get(url, headers={**headers, "Range": "bytes=0-99"}) as first:
        assert first.status == 206 and len(await first.read()) == 100
    async with server.session.get(url, headers={**headers, "Range": "bytes=1000-1999"}) as seek:
        assert seek.status == 206 and seek.headers["Content-Range"].startswith("bytes 1000-1999/")
    async with server.session.get(url, headers={**headers, "Range": f"bytes={recording['size'] + 10}-"}) as bad:
        assert bad.status == 416
    timeline = (await auditor.get(f"/api/cases/{case['id']}/timeline")).body
    assert [e["action"] for e in timeline].count("recording_replayed") == 1
    status, _ = await clerk.get_bytes(f"/api/recordings/{recording['id']}/media")
    assert status == 403  # the village window does not replay recordings


async def test_a_killed_server_keeps_the_recording_up_to_near_the_kill(tmp_path: Path) -> None:
    data = tmp_path / "data"
    served = await serve_process(data, "--media-workers", "0")
    try:
        village_api = await Party.sign_in(served.base, "clerk-yb1", "cunneng-demo")
        case = await village_api.connection.api("POST", "/api/cases", {
            "villager": {"id_number": "510802198005120013", "name": "王大山", "phone": "13800001111"},
            "item_code": "T-RS-001"})
        await village_api.close()
        village = await Party.sign_in(served.base, "clerk-yb1", "cunneng-demo", video=PatternCamera(320, 240))
        approver = await Party.sign_in(served.base, "town-yb", "cunneng-demo", video=PatternCamera(320, 240))
        await village.place_call(case["id"])
        await approver.answer_next()
        await approver.wait_for_video(village.account_id, frames=3)
        started = time.monotonic()
        await asyncio.sleep(6.0)
        os.kill(served.process.pid, signal.SIGKILL)
        media_seconds = time.monotonic() - started
        await served.stop()
        for party in (village, approver):
            await party.close()
    except BaseException:
        print(await served.stop())
        raise
    again = await serve_process(data, "--media-workers", "0")
    try:
        auditor = await Party.sign_in(again.base, "auditor", "cunneng-demo")
        recordings = await auditor.connection.api("GET", f"/api/cases/{case['id']}/recordings")
        assert len(recordings) == 2 and all(r["recovered"] for r in recordings)
        for recording in recordings:
            async with auditor.connection.session.get(
                f"{again.base}/api/recordings/{recording['id']}/media",
                headers={"Authorization": f"Bearer {auditor.connection.token}"},
            ) as reply:
                _, _, last = probe(await reply.read())
            assert last >= media_seconds - 2.5, (last, media_seconds)
        await auditor.close()
    finally:
        await again.stop()
