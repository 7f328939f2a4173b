"""Media hub signaling rules: trickled ICE, clear errors for bad input, in-process or not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from signaling.media import MediaConfig, MediaHub, MediaWorkerPool
from signaling.media.exceptions import (
    CallAlreadyOpen,
    CallNotFound,
    CodecNotSupported,
    InvalidIceCandidate,
    InvalidRecordingSpec,
    InvalidSessionDescription,
    ParticipantAlreadyJoined,
    ParticipantNotFound,
    UnexpectedAnswer,
)

from .mediahub_peers import (  # noqa: F401
    ClientPeer,
    Switchboard,
    board_fixture,
    eventually,
    hub_fixture,
    join,
)

RED = (220, 30, 30)
BLUE = (30, 30, 220)


def given_to_hub(hub: MediaHub, call_id: str, participant_id: str) -> list[tuple[str, str, int]]:
    """The remote candidates the hub holds for a participant, as (type, address, port)."""
    participant = hub._room(call_id).participant(participant_id)
    ice = participant.pc.getTransceivers()[0].receiver.transport.transport
    return [(candidate.type, candidate.ip, candidate.port) for candidate in ice.getRemoteCandidates()]


def gathered_by(peer: ClientPeer) -> list[tuple[str, str, int]]:
    ice = peer.pc.getTransceivers()[0].sender.transport.transport
    return [(candidate.type, candidate.ip, candidate.port) for candidate in ice.iceGatherer.getLocalCandidates()]


async def test_trickled_candidates_connect_like_a_browser(hub: MediaHub, board: Any) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED, trickle=True)
    approver = await join(hub, board, "c1", "approver", BLUE, trickle=True)
    await approver.wait_for_frames("village", 5)
    await village.wait_for_frames("approver", 5)
    # ICE also connects on candidates the hub learns from the client's checks ("prflx"): the
    # hub must hold the very host candidates the client trickled
    for peer in (village, approver):
        trickled = gathered_by(peer)
        assert trickled and set(trickled) <= set(given_to_hub(hub, "c1", peer.participant_id))


async def test_offer_names_publish_mids_and_every_other_participant(
    hub: MediaHub, board: Any
) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    await join(hub, board, "c1", "approver", BLUE)
    await eventually(lambda: len(village.offers) == 2)
    offer = village.offers[-1]
    assert offer["publish"] == {"audio": "0", "video": "1"}
    assert {(t["kind"], t["participant_id"]) for t in offer["tracks"]} == {
        ("audio", "approver"),
        ("video", "approver"),
    }
    assert "a=rtpmap:97 VP8/90000" in offer["sdp"] and "H264" not in offer["sdp"]
    assert "msid:approver " in offer["sdp"]  # browsers see the publisher as stream id


async def test_bad_requests_raise_named_errors(hub: MediaHub, board: Any) -> None:
    with pytest.raises(CallNotFound):
        await hub.join("nope", "village", "村窗口")
    await hub.open_call("c1")
    with pytest.raises(CallAlreadyOpen):
        await hub.open_call("c1")
    with pytest.raises(InvalidRecordingSpec):
        await hub.open_call("c2", recording={"factory": "no_such_module:thing"})
    village = await join(hub, board, "c1", "village", RED)
    with pytest.raises(ParticipantAlreadyJoined):
        await hub.join("c1", "village", "村窗口")
    with pytest.raises(ParticipantNotFound):
        await hub.answer("c1", "ghost", "v=0\r\n")
    await village.wait_until_connected()  # so the only offer has been answered
    with pytest.raises(UnexpectedAnswer):
        await hub.answer("c1", "village", village.pc.localDescription.sdp)
    with pytest.raises(InvalidIceCandidate):
        await hub.add_ice_candidate("c1", "village", {"candidate": "candidate:x", "sdpMid": "0"})


async def test_answer_must_be_sdp_and_keep_the_calls_codec(board: Switchboard) -> None:
    answers: list[str] = []

    class HoldAnswers:
        async def answer(self, call_id: str, participant_id: str, sdp: str) -> None:
            answers.append(sdp)

        async def add_ice_candidate(self, *args: Any) -> None:
            raise AssertionError("no trickle here")

    hub = MediaHub(MediaConfig(), board.emit)
    await hub.open_call("c1")
    board.add(ClientPeer("c1", "village", RED, HoldAnswers()))
    await hub.join("c1", "village", "村窗口")
    await eventually(lambda: bool(answers))
    with pytest.raises(InvalidSessionDescription):
        await hub.answer("c1", "village", "hello")
    with pytest.raises(CodecNotSupported):
        await hub.answer("c1", "village", answers[0].replace("VP8/90000", "AV1/90000"))
    await hub.answer("c1", "village", answers[0])  # the offer still waits for a good answer
    await hub.close()


@pytest.fixture(name="pool")
async def pool_fixture(board: Switchboard) -> AsyncIterator[MediaWorkerPool]:
    async with MediaWorkerPool(MediaConfig(), board.send, workers=1) as pool:
        yield pool


async def test_errors_cross_the_worker_boundary_as_the_same_class(
    pool: MediaWorkerPool, board: Switchboard
) -> None:
    with pytest.raises(CallNotFound):
        await pool.join("nope", "village", "村窗口")
    await pool.open_call("c1")
    with pytest.raises(CallAlreadyOpen) as raised:
        await pool.open_call("c1")
    assert raised.value.as_json()["error"] == "call_already_open"
    assert raised.value.message == "通话已经开始"
    with pytest.raises(ParticipantNotFound):
        await pool.leave("c1", "ghost")
