"""Benchmark: CPU the call recorder spends per minute of 640×480 15 fps VP8 (≈1 Mbit/s) + Opus.

Frames are encoded first (not timed), then handed to a CallRecorder as the hub would, with
the hub's clock following the media. Reported: CPU seconds for recording (the hub-side
`write` calls plus the writer thread), the event-loop share per frame, and the time to
finalize (remux with cues into the encrypted archive).

Usage: .venv/bin/python bench/recorder_cpu.py [SECONDS]   (default 60)
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from recording_media import (  # noqa: E402
    FakeClock,
    as_hub_frames,
    encode_tone,
    encode_video,
    interleave,
)

from recordings.archive import Archive  # noqa: E402
from recordings.recorder import CallRecorder  # noqa: E402


async def measure(seconds: float, root: Path) -> dict[str, float]:
    """Record `seconds` of one party's media and time each phase."""
    video = as_hub_frames("video", "vp8", encode_video("vp8", seconds), 1000.0, 2**32 - 90000)
    audio = as_hub_frames("audio", "opus", encode_tone(seconds), 1000.0, 12345)
    frames = interleave(video, audio)
    packets = [(frame, frame.packet()) for frame in frames]
    clock = FakeClock(1000.0)
    recorder = CallRecorder(Archive.open(root / "archive", secrets.token_bytes(32)), "bench",
                            root / "live", clock=clock)
    party = recorder.party("village", "村窗口")
    cpu_start, loop_cpu = time.process_time(), 0.0
    for frame, packet in packets:
        clock.now = frame.arrives
        started = time.thread_time()
        party.write(frame.kind, frame.codec, packet)  # type: ignore[arg-type]
        loop_cpu += time.thread_time() - started
    while recorder.backlog:
        await asyncio.sleep(0.01)
    cpu_recorded, wall_finalize = time.process_time(), time.perf_counter()
    [recorded] = await recorder.close()
    minutes = seconds / 60
    return {
        "media_seconds": seconds,
        "video_mbit_s": sum(len(f.data) for f in video) * 8 / seconds / 1e6,
        "frames": len(frames),
        "record_cpu_s_per_min": (cpu_recorded - cpu_start) / minutes,
        "loop_us_per_frame": loop_cpu / len(frames) * 1e6,
        "finalize_cpu_s": time.process_time() - cpu_recorded,
        "finalize_wall_s": time.perf_counter() - wall_finalize,
        "stored_mb": recorded.size / 1e6,
    }


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    with tempfile.TemporaryDirectory() as root:
        result = asyncio.run(measure(seconds, Path(root)))
    print(json.dumps({k: round(v, 4) for k, v in result.items()}, indent=1))


if __name__ == "__main__":
    main()
