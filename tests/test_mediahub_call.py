"""Media hub, in-process: real aiortc peers exchange media through the hub."""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from typing import Any

import aiortc.rtcrtpreceiver
import pytest
from aiortc.jitterbuffer import JitterBuffer

from signaling.media import MediaConfig, MediaHub
from signaling.media.recovery import RecoveringRelay
from signaling.media.relay import PassingRelay, relay_of

from . import mediahub_sinks
from .mediahub_peers import board_fixture, close_to, eventually, hub_fixture, join  # noqa: F401

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GREEN = (30, 200, 30)
YELLOW = (220, 220, 30)


async def test_village_and_approver_decode_each_others_video(hub: MediaHub, board: Any) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    approver = await join(hub, board, "c1", "approver", BLUE)
    await approver.wait_for_frames("village", 10)
    await village.wait_for_frames("approver", 10)
    assert all(close_to(rgb, RED) for rgb in approver.colours_from("village")[-5:])
    assert all(close_to(rgb, BLUE) for rgb in village.colours_from("approver")[-5:])
    assert approver.audio_frames["village"] > 0 and village.audio_frames["approver"] > 0


async def test_hub_forwards_packets_without_decoding_or_rebuilding_frames(
    hub: MediaHub, board: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoding_threads: set[threading.Thread] = set()
    real_get_decoder = aiortc.rtcrtpreceiver.get_decoder
    frames_built: list[int] = []
    real_remove_frame = JitterBuffer._remove_frame

    def watched_get_decoder(codec: Any) -> Any:
        decoding_threads.add(threading.current_thread())
        return real_get_decoder(codec)

    def watched_remove_frame(buffer: JitterBuffer, sequence_number: int) -> Any:
        frames_built.append(id(buffer))
        return real_remove_frame(buffer, sequence_number)

    monkeypatch.setattr(aiortc.rtcrtpreceiver, "get_decoder", watched_get_decoder)
    monkeypatch.setattr(JitterBuffer, "_remove_frame", watched_remove_frame)
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    approver = await join(hub, board, "c1", "approver", BLUE)
    await approver.wait_for_frames("village", 10)
    await village.wait_for_frames("approver", 10)

    hub_receivers = [
        t.receiver
        for p in hub._rooms["c1"].participants.values()
        for t in p.pc.getTransceivers()
        if t.currentDirection == "recvonly"
    ]
    assert len(hub_receivers) == 4
    relays = [relay_of(receiver) for receiver in hub_receivers]
    assert sorted(type(relay).__name__ for relay in relays) == ["PassingRelay", "PassingRelay",
                                                                "RecoveringRelay", "RecoveringRelay"]
    assert all(isinstance(relay, (PassingRelay, RecoveringRelay)) for relay in relays)
    assert not {id(relay) for relay in relays} & set(frames_built)
    forwarded = [s.frames_forwarded for p in hub._rooms["c1"].participants.values()
                 for slot in p.slots for s in slot.streams.values()]
    assert len(forwarded) == 4 and all(count > 0 for count in forwarded)
    client_buffers = {
        id(relay_of(t.receiver))
        for peer in (village, approver)
        for t in peer.pc.getTransceivers()
        if t.currentDirection == "recvonly"
    }
    assert decoding_threads and client_buffers <= set(frames_built)  # the checks can see both


async def test_rejoining_participant_gets_media_again(hub: MediaHub, board: Any) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    approver = await join(hub, board, "c1", "approver", BLUE)
    await village.wait_for_frames("approver", 5)
    await hub.leave("c1", "approver")
    await approver.close()
    first_slot_mids = [t["mid"] for t in village.offers[-2]["tracks"]]
    assert village.offers[-1]["tracks"] == []  # the slot went inactive

    left_at = time.monotonic()
    rejoined = await join(hub, board, "c1", "approver", GREEN)
    await rejoined.wait_for_frames("village", 5)
    await eventually(lambda: village.frames["approver"][-1][0] > left_at)
    await village.wait_for_frames("approver", len(village.frames["approver"]) + 5)
    assert all(close_to(rgb, GREEN) for rgb in village.colours_from("approver")[-5:])
    assert all(close_to(rgb, RED) for rgb in rejoined.colours_from("village")[-5:])
    assert [t["mid"] for t in village.offers[-1]["tracks"]] == first_slot_mids  # slot reused


async def test_recording_sink_gets_every_party_with_sane_timestamps(
    hub: MediaHub, board: Any
) -> None:
    spec = {"factory": "tests.mediahub_sinks:CountingRecording", "options": {}}
    await hub.open_call("c1", recording=spec)
    started = time.monotonic()
    village = await join(hub, board, "c1", "village", RED)
    await join(hub, board, "c1", "approver", BLUE)
    await village.wait_for_frames("approver", 20)
    elapsed = time.monotonic() - started
    recording = mediahub_sinks.OPENED["c1"]
    await hub.close_call("c1")
    assert recording.closed and set(recording.parties) == {"village", "approver"}

    for sink in recording.parties.values():
        for kind, codec, clock in (("video", "vp8", 90000), ("audio", "opus", 48000)):
            packets = [p for p in sink.packets if p[0] == kind]
            assert len(packets) > 10 and all(p[1] == codec for p in packets)
            assert all(p[3] == Fraction(1, clock) and p[4] > 0 for p in packets)
            pts = [p[2] for p in packets]
            assert pts == sorted(pts) and pts[0] >= 0
            assert 0 < (pts[-1] - pts[0]) / clock <= elapsed


async def test_village_and_three_approvers_each_decode_everyone(hub: MediaHub, board: Any) -> None:
    colours = {"village": RED, "approver-1": BLUE, "approver-2": GREEN, "approver-3": YELLOW}
    await hub.open_call("c1")
    peers = {pid: await join(hub, board, "c1", pid, rgb) for pid, rgb in colours.items()}
    for pid, peer in peers.items():
        for other, rgb in colours.items():
            if other != pid:
                await peer.wait_for_frames(other, 5)
                assert all(close_to(c, rgb) for c in peer.colours_from(other)[-3:])


async def test_h264_call_is_forwarded_as_h264(board: Any) -> None:
    hub = MediaHub(MediaConfig(video_codec="h264"), board.emit)
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    approver = await join(hub, board, "c1", "approver", BLUE)
    await approver.wait_for_frames("village", 5)
    await village.wait_for_frames("approver", 5)
    assert "H264/90000" in village.offers[-1]["sdp"] and "VP8" not in village.offers[-1]["sdp"]
    assert all(close_to(rgb, RED) for rgb in approver.colours_from("village")[-3:])
    await hub.close()
