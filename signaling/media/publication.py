"""A publication: one participant's camera and microphone as the hub receives them."""

from __future__ import annotations

import asyncio
import logging

from aiortc import RTCRtpTransceiver

from .feedback import BandwidthArbiter, KeyframeRequester, hook_uplink_estimate, remb_packet
from .forwarding import ForwardedTrack
from .passthrough import MediaFrame, MediaKind, install_tap
from .recording import PacketSink
from .recovery import install_recovery
from .stats import RateMeter
from .still import GopBuffer, take_still

logger = logging.getLogger(__name__)

# While a call is recorded, ask for a keyframe this often, so replay can seek anywhere
# (seeks land on keyframes); about 15 KB every 5 s at 640×480, little on a thin link.
RECORDING_KEYFRAME_SECONDS = 5.0


class Publication:
    """Fans one participant's encoded frames out to its subscribers and its recording."""

    def __init__(
        self,
        call_id: str,
        participant_id: str,
        label: str,
        transceivers: dict[MediaKind, RTCRtpTransceiver],
        sink: PacketSink | None,
    ) -> None:
        self.call_id = call_id
        self.participant_id = participant_id
        self.label = label
        self.video_ssrc: int | None = None
        self.meters: dict[MediaKind, RateMeter] = {"audio": RateMeter(), "video": RateMeter()}
        self.keyframes = KeyframeRequester(self._send_pli)
        self.bandwidth = BandwidthArbiter(self._send_remb)
        self.sink_failed = False
        self._sink = sink
        self._subscribers: dict[MediaKind, set[ForwardedTrack]] = {"audio": set(), "video": set()}
        self._video = transceivers["video"]
        for kind, transceiver in transceivers.items():
            install_tap(transceiver.receiver, kind, self.deliver)
        self.recovery = install_recovery(self._video.receiver, self._video_damaged)
        self._awaiting_keyframe = False
        self._send_rtcp = hook_uplink_estimate(self._video.receiver, self.bandwidth)
        self._keyframe_timer: asyncio.TimerHandle | None = None
        self._latest_video = GopBuffer()
        if sink is not None:
            self._schedule_recording_keyframe()

    def subscribe(self, track: ForwardedTrack) -> None:
        """Start feeding `track` (a slot on another participant's connection)."""
        self._subscribers[track.kind].add(track)  # type: ignore[index]

    def unsubscribe(self, track: ForwardedTrack) -> None:
        """Stop feeding `track`."""
        self._subscribers[track.kind].discard(track)  # type: ignore[index]

    def deliver(self, frame: MediaFrame) -> None:
        """Every frame from the publisher: count it, record it, forward it."""
        if frame.kind == "video" and self._awaiting_keyframe:
            if not frame.keyframe:
                self.keyframes.request()  # again, rate-limited: the first request may be lost
                return  # it refers to a frame that was lost: nobody could decode it
            self._awaiting_keyframe = False
        self.meters[frame.kind].add(len(frame.data))
        if frame.kind == "video":
            self._latest_video.add(frame)
        if self._sink is not None:
            self._record(frame)
        for track in self._subscribers[frame.kind]:
            track.push(frame)

    async def still(self) -> bytes:
        """A PNG of the publisher's current picture (截图)."""
        return await take_still(self._latest_video, self.keyframes.request)

    def request_keyframe(self) -> None:
        """A subscriber needs a keyframe; rate-limited towards the publisher."""
        self.keyframes.request()

    def _video_damaged(self) -> None:
        """A video frame was lost for good: wait for a keyframe, and ask for one now."""
        self._awaiting_keyframe = True
        self.keyframes.request()

    def close(self) -> None:
        """The publisher left: cancel pending feedback."""
        self.keyframes.close()
        if self._keyframe_timer is not None:
            self._keyframe_timer.cancel()

    def _schedule_recording_keyframe(self) -> None:
        self._keyframe_timer = asyncio.get_running_loop().call_later(
            RECORDING_KEYFRAME_SECONDS, self._recording_keyframe
        )

    def _recording_keyframe(self) -> None:
        if self._sink is not None:
            self.keyframes.request()
            self._schedule_recording_keyframe()

    def _record(self, frame: MediaFrame) -> None:
        assert self._sink is not None
        try:
            self._sink.write(frame.kind, frame.codec, frame.packet())
        except Exception:
            # Forwarding goes on; the failure shows in stats and the log.
            logger.exception("%s %s: recording failed, stopped", self.call_id, self.participant_id)
            self._sink = None
            self.sink_failed = True

    def _media_ssrc(self) -> int | None:
        if self.video_ssrc is not None:
            return self.video_ssrc
        sources = self._video.receiver.getSynchronizationSources()
        return sources[0].source if sources else None

    async def _send_pli(self) -> None:
        ssrc = self._media_ssrc()
        if ssrc is None:
            logger.debug("%s %s: no video yet, PLI skipped", self.call_id, self.participant_id)
            return
        await self._video.receiver._send_rtcp_pli(ssrc)

    async def _send_remb(self, bitrate: int) -> None:
        ssrc = self._media_ssrc()
        if ssrc is not None:
            await self._send_rtcp(remb_packet(self._video.sender._ssrc, bitrate, [ssrc]))
