"""Media hub feedback: one uplink stream, keyframes for newcomers, bandwidth to the sender."""

from __future__ import annotations

import asyncio
from typing import Any

from signaling.media import MediaHub

from .mediahub_peers import ClientPeer, board_fixture, eventually, hub_fixture, join  # noqa: F401

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GREEN = (30, 200, 30)
WINDOW = 4.0
# After a keyframe the encoder spends less for a while to pay for its size.
SETTLE = 3.0


async def village_bytes_per_second(village: ClientPeer) -> float:
    before = await village.video_bytes_sent()
    await asyncio.sleep(WINDOW)
    return (await village.video_bytes_sent() - before) / WINDOW


async def test_second_approver_adds_no_uplink_and_gets_a_keyframe_within_a_second(
    hub: MediaHub, board: Any
) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED, moving=True)
    # Hold the village encoder at one bitrate, so only a second uplink stream could
    # change what it sends (bandwidth feedback has its own test).
    village.follow_remb = False
    first = await join(hub, board, "c1", "approver-1", BLUE)
    await first.wait_for_frames("village", 1)
    await asyncio.sleep(SETTLE)
    one_approver = await village_bytes_per_second(village)

    second = await join(hub, board, "c1", "approver-2", GREEN)
    await second.wait_for_frames("village", 1)
    assert second.connected_at is not None
    first_frame_at = second.frames["village"][0][0]
    assert first_frame_at - second.connected_at < 1.0

    await asyncio.sleep(SETTLE)  # past the keyframe the newcomer asked for
    two_approvers = await village_bytes_per_second(village)
    assert one_approver > 20_000  # a realistic stream, not a trickle
    assert abs(two_approvers - one_approver) <= 0.1 * one_approver
    await first.wait_for_frames("village", len(first.frames["village"]) + 5)


async def test_sender_is_told_the_weakest_receivers_estimate(hub: MediaHub, board: Any) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED, moving=True)
    strong = await join(hub, board, "c1", "approver-1", BLUE)
    weak = await join(hub, board, "c1", "approver-2", GREEN)
    weak.cap_remb(300_000)
    await strong.wait_for_frames("village", 5)
    await weak.wait_for_frames("village", 5)
    await eventually(lambda: bool(village.remb_received) and village.remb_received[-1] <= 300_000)
    stats = await hub.stats("c1")
    assert stats["village"]["target_bitrate_kbps"] <= 300

    await hub.leave("c1", "approver-2")  # the weak link no longer limits the village
    await eventually(lambda: village.remb_received[-1] > 300_000)


async def test_subscriber_pli_reaches_the_publisher_rate_limited(hub: MediaHub, board: Any) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    approver = await join(hub, board, "c1", "approver", BLUE)
    await approver.wait_for_frames("village", 10)
    await asyncio.sleep(0.5)  # past the keyframe requests of the start
    before = len(village.pli_received)
    for _ in range(10):  # a burst, as from a receiver on a lossy link
        await approver.request_keyframe_from("village")
    await eventually(lambda: len(village.pli_received) > before)
    await asyncio.sleep(0.5)
    assert 1 <= len(village.pli_received) - before <= 2  # one now, at most one trailing
