"""Live video consults through the server's media hub, with headless aiortc parties."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiortc.rtp import RTCP_PSFB_APP, RtcpPsfbPacket

from signaling.appkeys import CALL_CENTER
from signaling.media.publication import RECORDING_KEYFRAME_SECONDS
from village_client.consult import Party
from village_client.tracks import PatternCamera

from .mediahub_peers import eventually
from .support import RunningServer, open_demo_case, start_server

RED, BLUE, GREEN = (220, 30, 30), (30, 30, 220), (30, 200, 30)
# Recorded calls get a keyframe every 5 s: measure over whole periods, so each window holds one.
KEYFRAME_PERIOD = RECORDING_KEYFRAME_SECONDS


def close_to(rgb: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 45) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected))


async def party(
    server: RunningServer, username: str, colour: tuple[int, int, int] = RED, noisy: bool = False
) -> Party:
    return await Party.sign_in(server.base, username, "cunneng-demo",
                               video=PatternCamera(320, 240, 15, colour=colour, noisy=noisy))


@asynccontextmanager
async def connected_call(
    server: RunningServer, noisy: bool = False
) -> AsyncIterator[tuple[Party, Party, dict[str, object]]]:
    """The village calls about a new case and the town window answers; both leave at the end."""
    case = await open_demo_case(await server.login("clerk-yb1"))
    async with AsyncExitStack() as parties:
        village = await party(server, "clerk-yb1", RED, noisy)
        parties.push_async_callback(village.close)
        approver = await party(server, "town-yb", BLUE)
        parties.push_async_callback(approver.close)
        await village.place_call(case["id"])
        await approver.answer_next()
        yield village, approver, case


async def test_village_and_approver_see_each_other_through_the_hub(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, _):
        seen_by_approver = await approver.wait_for_video(village.account_id, frames=10)
        seen_by_village = await village.wait_for_video(approver.account_id, frames=10)
        assert close_to(seen_by_approver.centre, RED) and close_to(seen_by_village.centre, BLUE)
        assert seen_by_approver.size == (320, 240)
        await asyncio.sleep(0.5)
        assert approver.received_from(village.account_id).audio_frames > 0


async def test_a_second_approver_costs_the_village_no_extra_upload(calls_server: RunningServer) -> None:
    async with connected_call(calls_server, noisy=True) as (village, approver, _):
        district = await party(calls_server, "district", GREEN)
        try:
            await approver.wait_for_video(village.account_id, frames=5)
            assert village.peer is not None
            hold_encoder_bitrate(village)
            await asyncio.sleep(2.0)  # past the first keyframes
            one = await uplink_rate(village, KEYFRAME_PERIOD)
            await district.join(village.call_id or "")
            assert district.peer is not None
            first = await district.wait_for_video(village.account_id, frames=1)
            connected = district.peer.connected_at
            assert connected is not None and first.first_video_at is not None
            assert first.first_video_at - connected < 1.0  # a keyframe arrived at once
            assert close_to(first.centre, RED)
            await asyncio.sleep(1.0)  # the joiner's keyframe is out
            two = await uplink_rate(village, KEYFRAME_PERIOD)
            assert abs(two - one) <= 0.10 * one, (one, two)
        finally:
            await district.close()


def hold_encoder_bitrate(village: Party) -> None:
    """Make the village's video sender ignore bandwidth feedback (REMB) from here on.

    The hub tells the sender the lowest estimate among its receivers, which drifts as each
    estimator ramps up; with the encoder's target held and a noisy picture that always
    fills it, the bytes per second show how many streams go up, and nothing else.
    """
    assert village.peer is not None
    for sender in village.peer.pc.getSenders():
        if sender.kind == "video":
            original = sender._handle_rtcp_packet

            async def without_remb(packet: Any, original: Any = original) -> None:
                if not (isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP):
                    await original(packet)

            setattr(sender, "_handle_rtcp_packet", without_remb)


async def uplink_rate(village: Party, seconds: float = 3.0) -> float:
    """Bytes per second the village peer sends, over a few seconds."""
    assert village.peer is not None
    before = await village.peer.bytes_sent()
    await asyncio.sleep(seconds)
    return (await village.peer.bytes_sent() - before) / seconds


async def test_another_village_cannot_join(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, _):
        intruder = await party(calls_server, "clerk-yb2")
        try:
            await intruder.connection.send({"type": "call.join", "call_id": village.call_id})
            with pytest.raises(ConnectionError):
                await intruder.connection.expect("call.participants", timeout=10)
            code, _ = intruder.connection.close_reason
            assert code == 4403
        finally:
            await intruder.close()


async def test_a_dropped_party_rejoins_and_the_call_resumes(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, _):
        await village.wait_for_video(approver.account_id, frames=5)
        call_id = approver.call_id or ""
        await approver.close()  # the approver's link drops: socket and peer connection gone
        reconnecting = await village.connection.wait_for(
            lambda m: m.get("type") == "call.participants"
            and any(p["state"] == "reconnecting" for p in m["participants"]), 10)
        assert reconnecting["call_id"] == call_id
        back = await party(calls_server, "town-yb", BLUE)
        await back.join(call_id)
        await back.wait_for_video(village.account_id, frames=5)
        before = village.received_from(back.account_id).video_frames
        await village.connection.wait_for(
            lambda m: m.get("type") == "call.participants"
            and all(p["state"] == "connected" for p in m["participants"]), 10)
        await asyncio.sleep(1.0)
        assert village.received_from(back.account_id).video_frames > before  # media flows again
        await back.close()


async def test_an_unanswered_call_says_no_one_answered(calls_server: RunningServer) -> None:
    clerk_api = await calls_server.login("clerk-yb1")
    case = await open_demo_case(clerk_api)
    village = await party(calls_server, "clerk-yb1")
    try:
        await village.place_call(case["id"])
        ended = await village.wait_ended(timeout=10)
        assert ended["state"] == "unanswered"
        timeline = (await clerk_api.get(f"/api/cases/{case['id']}/timeline")).body
        assert [e["action"] for e in timeline][-2:] == ["call_requested", "call_unanswered"]
    finally:
        await village.close()


async def test_chat_is_stored_on_the_case_and_shown_to_all(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, case):
        await village.wait_for_video(approver.account_id, frames=1)
        await village.send_chat("户口簿已经带来了")
        for p in (village, approver):
            message = await p.connection.expect("chat.message", timeout=10)
            assert message["text"] == "户口簿已经带来了" and message["author"] == "泉坝村窗口 赵兰"
        approver_api = await calls_server.login("town-yb")
        timeline = (await approver_api.get(f"/api/cases/{case['id']}/timeline")).body
        assert any(e["action"] == "chat_message" and e["detail"]["text"] == "户口簿已经带来了" for e in timeline)


async def test_call_events_reach_the_case_timeline(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, case):
        await approver.wait_for_video(village.account_id, frames=3)
        calls_server.clock.advance(seconds=42)
        await village.hang_up()
        ended = await approver.wait_ended()
        assert ended["state"] == "ended" and ended["duration"] == 42.0
    clerk_api = await calls_server.login("clerk-yb1")
    timeline = (await clerk_api.get(f"/api/cases/{case['id']}/timeline")).body
    actions = [e["action"] for e in timeline]
    for expected in ("call_requested", "call_accepted", "call_joined", "call_ended"):
        assert expected in actions
    last = [e for e in timeline if e["action"] == "call_ended"][0]["detail"]
    assert last["duration"] == 42.0 and sorted(last["participants"]) == ["元坝镇窗口 刘芳", "泉坝村窗口 赵兰"]


async def test_bad_messages_get_an_error_and_break_nothing(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, _):
        socket = village.connection
        assert socket.socket is not None
        await socket.socket.send_str("{not json")
        assert (await socket.expect("error"))["error"] == "malformed_json"
        for bad in ({"type": "teleport"}, {"type": "call.accept"}, {"type": "media.answer", "call_id": "x", "sdp": 1},
                    {"type": "chat.send", "call_id": village.call_id, "text": "   "},
                    {"type": "media.answer", "call_id": "nope", "sdp": "v=0"},
                    {"type": "call.request", "case_id": 999999}):
            await socket.send(bad)
            error = await socket.expect("error")
            assert error["message"] and error["message_en"], bad
        await approver.send_chat("还在吗")
        assert (await socket.expect("chat.message"))["text"] == "还在吗"  # the call goes on


async def test_a_socket_must_say_hello_first(calls_server: RunningServer) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(calls_server.base.replace("http", "ws") + "/ws") as ws:
            await ws.send_str(json.dumps({"type": "call.request", "case_id": 1}))
            closed = await ws.receive()
            assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4401


async def test_the_welcome_carries_turn_credentials_and_presence(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data", ice_servers=("stun:stun.example.cn:3478",
                                                               "turn:turn.example.cn:3478"), turn_secret="s3cret")
    try:
        village = await party(server, "clerk-yb1")
        welcome = village.connection.welcome
        assert welcome["ice_servers"][0] == {"urls": ["stun:stun.example.cn:3478"]}
        turn = welcome["ice_servers"][1]
        assert turn["urls"] == ["turn:turn.example.cn:3478"] and turn["username"].endswith(":clerk-yb1")
        approver = await party(server, "town-yb")
        presence = await village.connection.wait_for(
            lambda m: m.get("type") == "presence" and "zh-yb" in m["units"], 10)
        assert presence["units"]["zh-yb"][0]["name"] == "元坝镇窗口 刘芳"
        await village.close()
        await approver.close()
    finally:
        await server.close()


async def test_the_certificate_reaches_the_village_during_the_call(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, case):
        await village.wait_for_video(approver.account_id, frames=1)
        approver_api = await calls_server.login("town-yb")
        await approver_api.post(f"/api/cases/{case['id']}/actions/start_review", {})
        await approver_api.post(f"/api/cases/{case['id']}/actions/approve", {})
        event = await village.connection.wait_for(
            lambda m: m.get("type") == "case.event" and m.get("event") == "document_issued", 10)
        assert event["case_id"] == case["id"]
        assert event["document"]["kind"] == "approval" and event["document"]["signed_by"] == ["zh-yb"]


async def test_the_hub_decodes_a_still_only_when_asked(calls_server: RunningServer) -> None:
    from PIL import Image

    from signaling.appkeys import CALL_CENTER

    async with connected_call(calls_server) as (village, approver, _):
        await approver.wait_for_video(village.account_id, frames=5)
        media = calls_server.app[CALL_CENTER].media
        assert media is not None
        png = await media.still(village.call_id or "", village.account_id)
        with Image.open(io.BytesIO(png)) as still:
            assert still.size == (320, 240)
            assert close_to(still.convert("RGB").getpixel((160, 120)), RED)  # type: ignore[arg-type]


async def test_a_case_lists_its_calls_and_their_chat_to_whoever_sees_it(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, case):
        await village.wait_for_video(approver.account_id, frames=1)  # both are in the call
        await village.send_chat("户口簿已经带来了")
        await approver.connection.expect("chat.message", timeout=10)
        district = await calls_server.login("district")  # not in the call, but sees the case
        calls = (await district.get(f"/api/cases/{case['id']}/calls")).body
        assert [(c["id"], c["state"]) for c in calls] == [(village.call_id, "active")]
        messages = (await district.get(f"/api/cases/{case['id']}/messages")).body
        assert [(m["author"], m["text"]) for m in messages] == [("泉坝村窗口 赵兰", "户口簿已经带来了")]
        other_village = await calls_server.login("clerk-yb2")
        for listing in ("calls", "messages"):
            assert (await other_village.get(f"/api/cases/{case['id']}/{listing}")).status == 404


async def test_the_media_worker_runs_from_the_ring_until_calls_have_been_over_a_while(tmp_path: Path) -> None:
    """With --media-idle-stop an idle server holds no media stack; the next call starts it again."""
    server = await start_server(tmp_path / "data", media_workers=1, media_idle_stop_seconds=1.0)
    try:
        media = server.app[CALL_CENTER].media
        assert media is not None and media.worker_pids() == []
        workers = []
        for _ in range(2):
            async with connected_call(server) as (village, approver, _):
                assert close_to((await approver.wait_for_video(village.account_id, frames=5)).centre, RED)
                workers += media.worker_pids()
                await asyncio.sleep(1.5)  # longer than idle_stop: a call is open, the worker stays
                assert media.worker_pids() == workers[-1:]
                await village.hang_up()
                await approver.wait_ended()
            await eventually(lambda: media.worker_pids() == [] and not Path(f"/proc/{workers[-1]}").exists(), 10)
        assert len(set(workers)) == 2
    finally:
        await server.close()
