"""Benchmark: CPU the call recorder spends per minute of 640×480 15 fps VP8 (≈1 Mbit/s) + Opus.

Frames are encoded first (not timed), then handed to a CallRecorder as the hub would, with
the hub's clock following the media. Reported: CPU seconds for recording (the hub-side
`write` calls plus the writer thread), the event-loop share per frame, and the time to
finalize (remux with cues into the encrypted archive).

Usage: .venv/bin/python bench/recorder_cpu.py [MINUTES]   (default 1)
One minute is encoded and repeated (timestamps running on) for longer calls.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from recording_media import (  # noqa: E402
    AUDIO_RATE,
    RTP_WRAP,
    VIDEO_RATE,
    FakeClock,
    HubFrame,
    as_hub_frames,
    encode_tone,
    encode_video,
    interleave,
)

from recordings.archive import Archive  # noqa: E402
from recordings.recorder import CallRecorder  # noqa: E402


def repeated(frames: list[HubFrame], minutes: int) -> list[HubFrame]:
    """The same minute again and again, as one longer call."""
    def shifted(frame: HubFrame, minute: int) -> HubFrame:
        rate = VIDEO_RATE if frame.kind == "video" else AUDIO_RATE
        return dataclasses.replace(frame, arrives=frame.arrives + 60 * minute,
                                   timestamp=(frame.timestamp + 60 * minute * rate) % RTP_WRAP)
    return [shifted(frame, minute) for minute in range(minutes) for frame in frames]


async def measure(minutes: int, root: Path) -> dict[str, float]:
    """Record `minutes` of one party's media and time each phase."""
    video = as_hub_frames("video", "vp8", encode_video("vp8", 60.0), 1000.0, 2**32 - 90000)
    audio = as_hub_frames("audio", "opus", encode_tone(60.0), 1000.0, 12345)
    frames = repeated(interleave(video, audio), minutes)
    clock = FakeClock(1000.0)
    recorder = CallRecorder(Archive.open(root / "archive", secrets.token_bytes(32)), "bench",
                            root / "live", clock=clock)
    party = recorder.party("village", "村窗口")
    # process CPU minus the main thread's own work outside `write` (building the packets)
    cpu_start, main_start, loop_cpu = time.process_time(), time.thread_time(), 0.0
    for frame in frames:
        packet = frame.packet()
        clock.now = frame.arrives
        started = time.thread_time()
        party.write(frame.kind, frame.codec, packet)  # type: ignore[arg-type]
        loop_cpu += time.thread_time() - started
    while recorder.backlog:
        await asyncio.sleep(0.01)
    cpu_recorded, wall_finalize = time.process_time(), time.perf_counter()
    hub_side = time.thread_time() - main_start - loop_cpu
    [recorded] = await recorder.close()
    return {
        "media_minutes": minutes,
        "video_mbit_s": sum(len(f.data) for f in video) * 8 / 60 / 1e6,
        "frames": len(frames),
        "record_cpu_s_per_min": (cpu_recorded - cpu_start - hub_side) / minutes,
        "loop_us_per_frame": loop_cpu / len(frames) * 1e6,
        "finalize_cpu_s": time.process_time() - cpu_recorded,
        "finalize_wall_s": time.perf_counter() - wall_finalize,
        "stored_mb": recorded.size / 1e6,
        "duration_s": recorded.duration,
    }


def main() -> None:
    minutes = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    with tempfile.TemporaryDirectory() as root:
        result = asyncio.run(measure(minutes, Path(root)))
    print(json.dumps({k: round(v, 4) for k, v in result.items()}, indent=1))


if __name__ == "__main__":
    main()
