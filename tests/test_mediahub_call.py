"""Media hub, in-process: real aiortc peers exchange video through the hub."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from mediahub_peers import ClientPeer, Switchboard, close_to

from signaling.media import MediaConfig, MediaHub

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GREEN = (30, 200, 30)


@pytest.fixture
async def board() -> AsyncIterator[Switchboard]:
    switchboard = Switchboard()
    yield switchboard
    await switchboard.close()


@pytest.fixture
async def hub(board: Switchboard) -> AsyncIterator[MediaHub]:
    media_hub = MediaHub(MediaConfig(), board.emit)
    yield media_hub
    await media_hub.close()


async def join(hub: MediaHub, board: Switchboard, call_id: str, pid: str, rgb: tuple[int, int, int]) -> ClientPeer:
    peer = board.add(ClientPeer(call_id, pid, rgb, hub.answer))
    await hub.join(call_id, pid, pid)
    return peer


async def test_village_and_approver_decode_each_others_video(hub: MediaHub, board: Switchboard) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    approver = await join(hub, board, "c1", "approver", BLUE)
    await approver.wait_for_frames("village", 10)
    await village.wait_for_frames("approver", 10)
    assert all(close_to(rgb, RED) for rgb in approver.colours_from("village")[-5:])
    assert all(close_to(rgb, BLUE) for rgb in village.colours_from("approver")[-5:])
