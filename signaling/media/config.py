"""Media hub settings that cross the worker boundary as plain JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .exceptions import InvalidMediaConfig

if TYPE_CHECKING:
    from aiortc import RTCConfiguration
    from aiortc.rtcrtpparameters import RTCRtpCodecCapability

# Every participant of a call must use the one codec the hub forwards, since nothing is
# transcoded; VP8 is what every browser and aiortc encode, H.264 constrained baseline
# is the alternative for hardware-encoding clients.
VIDEO_CODECS = {"vp8": ("video/VP8", None), "h264": ("video/H264", "42e01f")}
AUDIO_MIME = "audio/opus"


@dataclass(frozen=True)
class MediaConfig:
    """STUN/TURN servers for the hub's peers and the call's video codec."""

    ice_servers: list[dict[str, Any]] = field(default_factory=list)
    video_codec: str = "vp8"

    def __post_init__(self) -> None:
        if self.video_codec not in VIDEO_CODECS:
            raise InvalidMediaConfig(
                f"video_codec must be one of {sorted(VIDEO_CODECS)}, not {self.video_codec!r}"
            )
        for server in self.ice_servers:
            if not isinstance(server, dict) or "urls" not in server:
                raise InvalidMediaConfig(f"ICE server needs 'urls': {server!r}")

    def as_json(self) -> dict[str, Any]:
        """JSON form, sent to each worker process."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediaConfig:
        """Inverse of as_json."""
        return cls(
            ice_servers=list(data.get("ice_servers", [])),
            video_codec=str(data.get("video_codec", "vp8")),
        )

    def rtc_configuration(self) -> RTCConfiguration:
        """One transport per peer connection (max-bundle), so added transceivers reuse it."""
        # aiortc only where the hub runs: the server process relays to workers (idle memory, #9)
        from aiortc import RTCConfiguration, RTCIceServer
        from aiortc.rtcconfiguration import RTCBundlePolicy

        servers = [
            RTCIceServer(
                urls=server["urls"],
                username=server.get("username"),
                credential=server.get("credential"),
            )
            for server in self.ice_servers
        ]
        return RTCConfiguration(iceServers=servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)

    def codec_preferences(self, kind: str) -> list[RTCRtpCodecCapability]:
        """The single codec (plus RTX for video) every hub transceiver of `kind` offers."""
        from aiortc import RTCRtpSender  # where the hub runs (idle memory, #9)

        capabilities = RTCRtpSender.getCapabilities(kind).codecs
        if kind == "audio":
            return [c for c in capabilities if c.mimeType.lower() == AUDIO_MIME]
        mime, profile = VIDEO_CODECS[self.video_codec]
        chosen = [
            c
            for c in capabilities
            if c.mimeType.lower() == mime.lower()
            and (profile is None or c.parameters.get("profile-level-id") == profile)
        ]
        rtx = [c for c in capabilities if c.mimeType.lower() == "video/rtx"]
        return chosen + rtx
