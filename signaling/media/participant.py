"""A participant: one peer connection to the hub, which always makes the offers.

The hub offers and the client only answers, so offers never cross (no glare), payload
types stay the hub's for the whole call, and the hub alone decides the codec. Its first
offer has two recvonly m-lines (the participant's camera and microphone) and one slot per
other participant; later offers add or turn slots as people join and leave. One offer
is outstanding at a time: a change during it is offered once the answer is in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiortc import RTCIceCandidate, RTCPeerConnection, RTCSessionDescription
from aiortc.exceptions import InvalidAccessError, InvalidStateError, OperationError
from aiortc.sdp import SessionDescription, candidate_from_sdp

from protocol.messages import HubMessageBody
from protocol.tasks import BackgroundTasks
from protocol.words import HubMessage, MediaState

from .config import MediaConfig
from .exceptions import (
    CodecNotSupported,
    InvalidIceCandidate,
    InvalidSessionDescription,
    UnexpectedAnswer,
)
from .publication import Publication
from .recording import PacketSink
from .slot import KINDS, Slot
from .srtp_path import handle_srtp_on_arrival
from .stats import transport_stats

logger = logging.getLogger(__name__)

Emit = Callable[[HubMessageBody], None]


class Participant:
    """One peer connection: the participant's own media in, everyone else's out."""

    def __init__(
        self,
        call_id: str,
        participant_id: str,
        label: str,
        config: MediaConfig,
        emit: Emit,
        sink: PacketSink | None,
    ) -> None:
        self.call_id = call_id
        self.participant_id = participant_id
        self.label = label
        self.pc = RTCPeerConnection(config.rtc_configuration())
        self.slots: list[Slot] = []
        self._config = config
        self._emit = emit
        self._publish = {kind: self.pc.addTransceiver(kind, direction="recvonly") for kind in KINDS}
        for kind, transceiver in self._publish.items():
            transceiver.setCodecPreferences(config.codec_preferences(kind))
        self.publication = Publication(call_id, participant_id, label, self._publish, config.video_codec, sink)
        self._incoming = BackgroundTasks(f"{call_id} {participant_id}: incoming media", logger)
        handle_srtp_on_arrival(self._publish["video"].receiver.transport, self._incoming)
        self._offer_pending = False
        self._renegotiate = False
        self._offered: list[tuple[Slot, Publication]] = []
        self._early_candidates: list[RTCIceCandidate | None] = []
        self.pc.on("connectionstatechange", self._on_connection_state)

    def subscribe(self, publication: Publication) -> None:
        """Carry another participant's media, in a free slot or a new one."""
        slot = next((s for s in self.slots if s.source is None), None)
        if slot is None:
            slot = Slot(self.pc, self._config, self.participant_id)
            self.slots.append(slot)
        slot.assign(publication)

    def unsubscribe(self, publication: Publication) -> None:
        """Stop carrying a participant who left."""
        for slot in self.slots:
            if slot.source is publication:
                slot.release()

    async def negotiate(self) -> None:
        """Offer the current slots, now or right after the outstanding answer."""
        if self.pc.connectionState == "closed":
            return
        if self._offer_pending:
            self._renegotiate = True
            return
        await self._send_offer()

    async def accept_answer(self, sdp: str) -> None:
        """Apply the participant's answer to the hub's last offer."""
        if not self._offer_pending:
            raise UnexpectedAnswer(f"{self.participant_id}: no offer is waiting for an answer")
        description = _parse_sdp(sdp)
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
        except OperationError as exc:
            raise CodecNotSupported(f"{self.participant_id}: {exc}") from exc
        except (ValueError, InvalidAccessError, InvalidStateError) as exc:
            raise InvalidSessionDescription(f"{self.participant_id}: {exc}") from exc
        self._offer_pending = False
        self.publication.video_ssrc = _sending_ssrc(description, self._publish["video"].mid)
        for slot, source in self._offered:
            if slot.source is source:  # not reassigned while the answer was on its way
                slot.confirm()
        for candidate in self._early_candidates:
            await self.pc.addIceCandidate(candidate)
        self._early_candidates.clear()
        if self._renegotiate:
            await self._send_offer()

    async def add_ice_candidate(self, candidate: dict[str, Any] | None) -> None:
        """A trickled candidate in the browser's shape; None or "" ends the list."""
        parsed = _parse_candidate(candidate)
        if self.pc.remoteDescription is None:
            self._early_candidates.append(parsed)
        else:
            await self.pc.addIceCandidate(parsed)

    async def stats(self) -> dict[str, Any]:
        """Figures for the connection-quality display."""
        measured = await transport_stats(self.pc)
        received = {
            kind: {**meter.snapshot(), **measured["received_rtp"].get(kind, {})}
            for kind, meter in self.publication.meters.items()
        }
        forwarded = sum(t.frames_forwarded for s in self.slots for t in s.streams.values())
        bandwidth = self.publication.bandwidth
        return {
            "participant_id": self.participant_id,
            "label": self.label,
            "connection_state": self.pc.connectionState,
            "received": received,
            "sent": {**measured["sent"], "frames": forwarded},
            "round_trip_ms": measured["round_trip_ms"],
            "uplink_estimate_kbps": _kbps(bandwidth.uplink),
            "target_bitrate_kbps": _kbps(bandwidth.last_sent),
            "keyframe_requests": self.publication.keyframes.requests_sent,
            "nacks_repeated": self.publication.recovery.asked_again,
            "packets_recovered": self.publication.recovery.recovered,
            "frames_given_up": self.publication.recovery.skips,
            "recording_failed": self.publication.sink_failed,
        }

    async def close(self) -> None:
        """Leave: stop carrying others and close the connection."""
        for slot in self.slots:
            slot.release()
        self.publication.close()
        await self.pc.close()

    async def _send_offer(self) -> None:
        self._renegotiate = False
        await self.pc.setLocalDescription(await self.pc.createOffer())
        self._offered = [(slot, slot.source) for slot in self.slots if slot.source is not None]
        self._offer_pending = True
        self._emit(
            {
                "type": HubMessage.MEDIA_OFFER,
                "sdp": self.pc.localDescription.sdp,
                "publish": {kind: t.mid for kind, t in self._publish.items()},
                "tracks": [track for slot in self.slots for track in slot.describe()],
            }
        )

    def _on_connection_state(self) -> None:
        state = self.pc.connectionState
        logger.info("%s %s: connection %s", self.call_id, self.participant_id, state)
        self._emit({"type": HubMessage.MEDIA_STATE, "state": MediaState(state)})


def _parse_sdp(sdp: str) -> SessionDescription:
    if not isinstance(sdp, str) or not sdp.startswith("v=0"):
        raise InvalidSessionDescription("an SDP answer must start with 'v=0'")
    try:
        return SessionDescription.parse(sdp)
    except Exception as exc:  # aiortc's parser raises whatever the bad line provokes
        raise InvalidSessionDescription(f"unreadable SDP: {exc}") from exc


def _sending_ssrc(description: SessionDescription, mid: str | None) -> int | None:
    """The SSRC the participant sends video with, as its answer announces it."""
    for media in description.media:
        if media.rtp.muxId != mid:
            continue
        for group in media.ssrc_group:
            if group.semantic == "FID" and group.items:
                return int(group.items[0])
        if media.ssrc:
            return int(media.ssrc[0].ssrc)
    return None


def _parse_candidate(candidate: dict[str, Any] | None) -> RTCIceCandidate | None:
    if candidate is None or not candidate.get("candidate"):
        return None
    line = str(candidate["candidate"])
    if len(line.split()) < 8:  # aiortc only asserts this
        raise InvalidIceCandidate(f"an ICE candidate has at least 8 fields: {line!r}")
    try:
        parsed = candidate_from_sdp(line.removeprefix("candidate:"))
    except (ValueError, IndexError) as exc:
        raise InvalidIceCandidate(f"unreadable ICE candidate {line!r}: {exc}") from exc
    parsed.sdpMid = candidate.get("sdpMid")
    parsed.sdpMLineIndex = candidate.get("sdpMLineIndex")
    if parsed.sdpMid is None and parsed.sdpMLineIndex is None:
        raise InvalidIceCandidate("an ICE candidate needs sdpMid or sdpMLineIndex")
    return parsed


def _kbps(bitrate: int | None) -> float | None:
    return None if bitrate is None else round(bitrate / 1000, 1)
