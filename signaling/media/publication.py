"""A publication: one participant's camera and microphone as the hub receives them."""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from aiortc import RTCRtpTransceiver
from aiortc.rtp import RtpPacket

from .feedback import BandwidthArbiter, KeyframeRequester, hook_uplink_estimate, remb_packet
from .forwarding import ForwardedStream
from .framing import FrameAssembler, MediaFrame, MediaKind, starts_keyframe
from .recording import PacketSink
from .recovery import install_recovery
from .relay import PassingRelay, install_relay
from .stats import RateMeter
from .still import GopBuffer, take_still

logger = logging.getLogger(__name__)

# While a call is recorded, ask for a keyframe this often, so replay can seek anywhere
# (seeks land on keyframes); about 15 KB every 5 s at 640×480, little on a thin link.
RECORDING_KEYFRAME_SECONDS = 5.0
CLOCK_RATES = {"audio": 48000, "video": 90000}
AUDIO_CODEC = "opus"


class Publication:
    """Fans one participant's RTP packets out to its subscribers, and its frames to its recording."""

    def __init__(
        self,
        call_id: str,
        participant_id: str,
        label: str,
        transceivers: dict[MediaKind, RTCRtpTransceiver],
        video_codec: str,
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
        self._streams: dict[MediaKind, tuple[ForwardedStream, ...]] = {"audio": (), "video": ()}
        self._video = transceivers["video"]
        self._latest_video = GopBuffer(video_codec)
        codecs: dict[MediaKind, str] = {"audio": AUDIO_CODEC, "video": video_codec}
        self._assemblers = {kind: FrameAssembler(kind, codecs[kind], CLOCK_RATES[kind], self._record)
                            for kind in codecs} if sink is not None else None
        self.recovery = install_recovery(self._video.receiver, self.keyframes.request,
                                         partial(starts_keyframe, video_codec))
        install_relay(self._video.receiver, self.recovery, self._forward_video)
        install_relay(transceivers["audio"].receiver, PassingRelay(), self._forward_audio)
        self._send_rtcp = hook_uplink_estimate(self._video.receiver, self.bandwidth)
        self._keyframe_timer: asyncio.TimerHandle | None = None
        if sink is not None:
            self._schedule_recording_keyframe()

    def subscribe(self, stream: ForwardedStream) -> None:
        """Start feeding `stream` (a slot on another participant's connection)."""
        self._streams[stream.kind] = (*self._streams[stream.kind], stream)

    def unsubscribe(self, stream: ForwardedStream) -> None:
        """Stop feeding `stream`."""
        self._streams[stream.kind] = tuple(s for s in self._streams[stream.kind] if s is not stream)

    def _forward_video(self, packet: RtpPacket, seq: int, keyframe_start: bool) -> None:
        """Every video packet the relay lets through: count, keep for stills, record, forward."""
        self.meters["video"].add(len(packet.payload), packet.marker)
        self._latest_video.add(packet, keyframe_start)
        if self._assemblers is not None:
            self._assemblers["video"].add(packet)
        for stream in self._streams["video"]:
            stream.send(packet, seq, keyframe_start)

    def _forward_audio(self, packet: RtpPacket, seq: int, keyframe_start: bool) -> None:
        """Every audio packet: count, record, forward."""
        self.meters["audio"].add(len(packet.payload), 1)
        if self._assemblers is not None:
            self._assemblers["audio"].add(packet)
        for stream in self._streams["audio"]:
            stream.send(packet, seq, keyframe_start)

    async def still(self) -> bytes:
        """A PNG of the publisher's current picture (截图)."""
        return await take_still(self._latest_video, self.keyframes.request)

    def request_keyframe(self) -> None:
        """A subscriber needs a keyframe; rate-limited towards the publisher."""
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
        if self._sink is None:
            return
        try:
            self._sink.write(frame.kind, frame.codec, frame.packet())
        except Exception:
            # Forwarding goes on; the failure shows in stats and the log.
            logger.exception("%s %s: recording failed, stopped", self.call_id, self.participant_id)
            self._sink = None
            self._assemblers = None
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
