"""What the recorder must know of each forwarded codec: kind, clock, keyframes, size."""

from __future__ import annotations

import re
from dataclasses import dataclass

import av

from recordings.exceptions import DamagedKeyframe, UnsupportedCodec


@dataclass(frozen=True)
class Codec:
    """A codec as the hub hands it over: kind and RTP clock rate."""

    name: str
    kind: str
    rate: int


CODECS = {
    "vp8": Codec("vp8", "video", 90000),
    "h264": Codec("h264", "video", 90000),
    "opus": Codec("opus", "audio", 48000),
}
WEBM_CODECS = {"vp8", "opus"}
_ANNEX_B_START = re.compile(b"\x00\x00\x01")
_H264_IDR = 5


def codec_for(kind: str, name: str) -> Codec:
    """The codec, checked against the kind the hub says it is."""
    codec = CODECS.get(name.lower())
    if codec is None or codec.kind != kind:
        raise UnsupportedCodec(f"cannot record {kind} codec {name!r} (vp8, h264, opus only)")
    return codec


def is_keyframe(codec: Codec, frame: bytes) -> bool:
    """True when a decoder can start at this frame (audio frames always can)."""
    if codec.name == "vp8":
        return bool(frame) and not frame[0] & 0x01
    if codec.name == "h264":
        return any(nal[:1] and nal[0] & 0x1F == _H264_IDR for nal in _nal_units(frame))
    return True


def video_size(codec: Codec, keyframe: bytes) -> tuple[int, int]:
    """Width and height of a keyframe: read from the VP8 header, decoded for H.264."""
    if codec.name == "vp8" and keyframe[3:6] == b"\x9d\x01\x2a":
        width = int.from_bytes(keyframe[6:8], "little") & 0x3FFF
        height = int.from_bytes(keyframe[8:10], "little") & 0x3FFF
        return width, height
    decoder = av.CodecContext.create(codec.name, "r")
    assert isinstance(decoder, av.VideoCodecContext)
    try:
        frames = [*decoder.decode(av.Packet(keyframe)), *decoder.decode(None)]
    except av.FFmpegError:
        frames = []
    if not frames:
        raise DamagedKeyframe(f"{codec.name} keyframe of {len(keyframe)} bytes does not decode")
    frame = frames[0]
    assert isinstance(frame, av.VideoFrame)
    return frame.width, frame.height


def container_format(codec_names: set[str]) -> tuple[str, str]:
    """The muxer and media type: WebM for VP8/Opus (Chromium plays it), Matroska otherwise."""
    has_video = any(CODECS[name].kind == "video" for name in codec_names)
    if codec_names <= WEBM_CODECS:
        return "webm", "video/webm" if has_video else "audio/webm"
    return "matroska", "video/x-matroska" if has_video else "audio/x-matroska"


def _nal_units(frame: bytes) -> list[bytes]:
    return [unit.lstrip(b"\x00") for unit in _ANNEX_B_START.split(frame)]
