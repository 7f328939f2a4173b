"""A subscription slot: two sendonly transceivers that carry one other participant's media.

Slots are reused: when a publisher leaves, its slot on every other connection turns
inactive, and the next publisher to join takes it over. A connection therefore never
holds more slots than the call ever had other participants at once.
"""

from __future__ import annotations

from aiortc import RTCPeerConnection, RTCRtpTransceiver

from .config import MediaConfig
from .feedback import hook_subscriber_feedback
from .forwarding import ForwardedStream
from .framing import MediaKind
from .publication import Publication

KINDS: tuple[MediaKind, MediaKind] = ("audio", "video")


class Slot:
    """Carries one publication to one subscriber's connection."""

    def __init__(self, pc: RTCPeerConnection, config: MediaConfig, subscriber_id: str) -> None:
        self.subscriber_id = subscriber_id
        self.source: Publication | None = None
        self.streams = {kind: ForwardedStream(kind) for kind in KINDS}
        self.transceivers: dict[MediaKind, RTCRtpTransceiver] = {}
        for kind, stream in self.streams.items():
            transceiver = pc.addTransceiver(stream.track, direction="sendonly")
            transceiver.setCodecPreferences(config.codec_preferences(kind))
            stream.bind(transceiver.sender)
            hook_subscriber_feedback(
                transceiver.sender, self._on_keyframe_request, self._on_estimate
            )
            self.transceivers[kind] = transceiver

    def assign(self, publication: Publication) -> None:
        """Carry `publication` from now on; takes effect with the next offer."""
        self.source = publication
        for kind, stream in self.streams.items():
            stream.attach(publication)
            publication.subscribe(stream)
            transceiver = self.transceivers[kind]
            transceiver.direction = "sendonly"
            # The stream id in the offer's msid names the publisher, so a browser finds
            # it as event.streams[0].id.
            transceiver.sender._stream_id = publication.participant_id

    def confirm(self) -> None:
        """The subscriber has the offer that announces the current source."""
        for stream in self.streams.values():
            stream.confirm()

    def release(self) -> None:
        """Stop carrying the current publication; the slot turns inactive."""
        if self.source is None:
            return
        for kind, stream in self.streams.items():
            self.source.unsubscribe(stream)
            stream.detach()
            self.transceivers[kind].direction = "inactive"
        self.source.bandwidth.forget(self.subscriber_id)
        self.source = None

    def describe(self) -> list[dict[str, str]]:
        """The slot's tracks as the offer message lists them (after the offer is set)."""
        if self.source is None:
            return []
        return [
            {
                "mid": str(self.transceivers[kind].mid),
                "kind": kind,
                "participant_id": self.source.participant_id,
                "label": self.source.label,
            }
            for kind in KINDS
        ]

    def _on_keyframe_request(self) -> None:
        if self.source is not None:
            self.source.request_keyframe()

    def _on_estimate(self, bitrate: int) -> None:
        if self.source is not None:
            self.source.bandwidth.on_downstream(self.subscriber_id, bitrate)
