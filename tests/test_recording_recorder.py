"""The call recorder: forwarded VP8/H.264 + Opus frames become finalized, encrypted WebM files."""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path

import pytest

from recordings.archive import Archive
from recordings.exceptions import RecorderClosed, UnsupportedCodec
from recordings.recorder import CallRecorder

from .recording_media import (
    FakeClock,
    HubFrame,
    as_hub_frames,
    decode_stored,
    encode_tone,
    encode_video,
    feed,
    interleave,
)

T0 = 1_750_000_000.0
CUES_ID = b"\x1c\x53\xbb\x6b"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.open(tmp_path / "archive", secrets.token_bytes(32))


def _recorder(archive: Archive, tmp_path: Path, clock: FakeClock) -> CallRecorder:
    return CallRecorder(archive, "call-1", tmp_path / "live", clock=clock)


def _party_frames(start: float, seconds: float, video_ts: int, audio_ts: int) -> list[HubFrame]:
    video = as_hub_frames("video", "vp8", encode_video("vp8", seconds), start, video_ts)
    audio = as_hub_frames("audio", "opus", encode_tone(seconds), start + 0.03, audio_ts)
    return interleave(video, audio)


async def test_a_party_becomes_one_finalized_webm_with_vp8_and_opus(
        archive: Archive, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    recorder = _recorder(archive, tmp_path, clock)
    # video wraps past 2**32 after 2 s; audio starts at an arbitrary offset
    frames = _party_frames(T0, 6.0, 2**32 - 2 * 90000, 123_456_789)
    feed(clock, recorder.party("village", "村窗口 李四"), frames)
    [recorded] = await recorder.close()

    assert (recorded.call_id, recorded.party_id, recorded.label) == ("call-1", "village",
                                                                   "村窗口 李四")
    assert recorded.media_type == "video/webm" and recorded.codecs == ("opus", "vp8")
    assert recorded.started_at == pytest.approx(T0, abs=0.001)
    assert recorded.duration == pytest.approx(6.0, abs=1.0)
    decoded = decode_stored(archive, recorded.digest)
    assert decoded.codecs == ["vp8", "opus"]
    assert decoded.duration == pytest.approx(6.0, abs=1.0)
    assert len(decoded.video) == len(encode_video("vp8", 6.0))
    assert {(w, h) for _, w, h in decoded.video} == {(640, 480)}
    assert decoded.video[-1][0] == pytest.approx(6.0 - 1 / 15, abs=0.05)
    assert decoded.audio_seconds == pytest.approx(6.0, abs=0.2)
    assert CUES_ID in archive.read(recorded.digest)
    # the journal is gone; the receipt stays until the server has registered the file
    assert [p.name for p in (tmp_path / "live").iterdir()] == [recorded.receipt]


async def test_the_hubs_packets_are_left_untouched(archive: Archive, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    recorder = _recorder(archive, tmp_path, clock)
    frame = _party_frames(T0, 1.0, 5, 7)[0]
    packet = frame.packet()
    recorder.party("village", "村窗口").write("video", "vp8", packet)
    assert (packet.pts, bytes(packet), packet.stream) == (frame.timestamp, frame.data, None)
    await recorder.close()


async def test_two_parties_give_two_files_with_their_wall_clock_starts(
        archive: Archive, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    recorder = _recorder(archive, tmp_path, clock)
    village = _party_frames(T0, 4.0, 1000, 2000)
    township = _party_frames(T0 + 1.5, 2.5, 3_000_000_000, 9)
    parties = {id(f): "village" for f in village} | {id(f): "township" for f in township}
    for frame in interleave(village, township):
        party = recorder.party(parties[id(frame)], parties[id(frame)])
        feed(clock, party, [frame])
    recorded = {r.party_id: r for r in await recorder.close()}

    assert recorded["township"].started_at - recorded["village"].started_at == pytest.approx(
        1.5, abs=0.01)
    assert recorded["village"].duration == pytest.approx(4.0, abs=1.0)
    assert recorded["township"].duration == pytest.approx(2.5, abs=1.0)
    for item in recorded.values():
        assert decode_stored(archive, item.digest).codecs == ["vp8", "opus"]


async def test_video_before_the_first_keyframe_is_dropped(archive: Archive, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    recorder = _recorder(archive, tmp_path, clock)
    video = as_hub_frames("video", "vp8", encode_video("vp8", 6.0), T0, 77)
    late_start = [f for f in video if f.arrives >= T0 + 1.0]  # first keyframe at 3 s (frame 45)
    audio = as_hub_frames("audio", "opus", encode_tone(6.0), T0, 88)
    feed(clock, recorder.party("village", "村窗口"), interleave(late_start, audio))
    [recorded] = await recorder.close()

    decoded = decode_stored(archive, recorded.digest)
    assert recorded.started_at == pytest.approx(T0, abs=0.001)
    assert decoded.video[0][0] == pytest.approx(3.0, abs=0.01)
    assert len(decoded.video) == 45
    assert decoded.audio_seconds == pytest.approx(6.0, abs=0.2)


@pytest.mark.parametrize("kind", ["audio", "video"])
async def test_a_party_with_one_stream_is_recorded_after_the_wait(
        archive: Archive, tmp_path: Path, kind: str) -> None:
    clock = FakeClock(T0)
    recorder = _recorder(archive, tmp_path, clock)
    frames = (as_hub_frames("audio", "opus", encode_tone(4.0), T0, 5) if kind == "audio"
              else as_hub_frames("video", "vp8", encode_video("vp8", 4.0), T0, 5))
    feed(clock, recorder.party("village", "村窗口"), frames)
    [recorded] = await recorder.close()

    decoded = decode_stored(archive, recorded.digest)
    assert decoded.codecs == (["opus"] if kind == "audio" else ["vp8"])
    assert recorded.media_type == f"{kind}/webm"
    assert recorded.duration == pytest.approx(4.0, abs=1.0)


async def test_a_stream_that_starts_late_continues_in_a_new_segment(
        archive: Archive, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    recorder = _recorder(archive, tmp_path, clock)
    video = as_hub_frames("video", "vp8", encode_video("vp8", 6.0), T0, 5)
    audio = as_hub_frames("audio", "opus", encode_tone(3.5), T0 + 2.5, 5)
    feed(clock, recorder.party("village", "村窗口"), interleave(video, audio))
    first, second = sorted(await recorder.close(), key=lambda r: r.segment)

    assert (first.segment, first.codecs) == (0, ("vp8",))
    assert (second.segment, second.codecs) == (1, ("opus", "vp8"))
    assert second.started_at == pytest.approx(T0 + 2.5, abs=0.01)
    assert decode_stored(archive, second.digest).video[0][0] == pytest.approx(0.5, abs=0.01)


async def test_h264_is_recorded_into_matroska(archive: Archive, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    recorder = _recorder(archive, tmp_path, clock)
    video = as_hub_frames("video", "h264", encode_video("h264", 3.0, 320, 240), T0, 11)
    audio = as_hub_frames("audio", "opus", encode_tone(3.0), T0, 12)
    feed(clock, recorder.party("village", "村窗口"), interleave(video, audio))
    [recorded] = await recorder.close()

    decoded = decode_stored(archive, recorded.digest)
    assert recorded.media_type == "video/x-matroska"
    assert decoded.codecs == ["h264", "opus"]
    assert len(decoded.video) == 45 and decoded.video[0][1:] == (320, 240)


async def test_unknown_codecs_and_late_frames_are_refused(archive: Archive, tmp_path: Path) -> None:
    recorder = _recorder(archive, tmp_path, FakeClock(T0))
    party = recorder.party("village", "村窗口")
    frame = _party_frames(T0, 1.0, 5, 7)[0]
    with pytest.raises(UnsupportedCodec):
        party.write("video", "vp9", frame.packet())
    with pytest.raises(UnsupportedCodec):
        party.write("audio", "vp8", frame.packet())
    assert await recorder.close() == []
    with pytest.raises(RecorderClosed):
        party.write("video", "vp8", frame.packet())


async def test_a_damaged_first_keyframe_costs_only_the_frames_until_the_next(
        archive: Archive, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(T0)
    recorder = _recorder(archive, tmp_path, clock)
    frames = _party_frames(T0, 6.0, 1, 2)
    damaged = dataclasses.replace(frames[0], data=bytes(64))  # keyframe bit set, no VP8 header
    feed(clock, recorder.party("village", "村窗口"), [damaged, *frames[1:]])
    [recorded] = await recorder.close()

    assert "keyframe of 64 bytes does not decode" in caplog.text
    decoded = decode_stored(archive, recorded.digest)
    assert recorded.started_at == pytest.approx(T0 + 0.05, abs=0.01)  # the 2nd audio frame
    assert decoded.video[0][0] == pytest.approx(3.0 - 0.05, abs=0.01)
    assert len(decoded.video) == 45
