"""Child process of the kill -9 test: records one party in real time until it is killed.

Usage: recording_kill_child.py ARCHIVE_DIR WORK_DIR KEY_HEX SECONDS KBIT_PER_S
Prints "fed <media seconds>" after each video frame it handed to the recorder.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from recording_media import as_hub_frames, encode_tone, encode_video, interleave  # noqa: E402

from recordings.archive import Archive  # noqa: E402
from recordings.recorder import CallRecorder  # noqa: E402


async def record_until_killed(archive_dir: Path, work_dir: Path, key: bytes,
                              seconds: float, kbit_per_s: int) -> None:
    """Feed frames at their real-time arrival, as the hub would, then wait to be killed."""
    video = encode_video("vp8", seconds, 320, 240, bit_rate=kbit_per_s * 1000)
    audio = encode_tone(seconds)
    recorder = CallRecorder(Archive.open(archive_dir, key), "call-killed", work_dir)
    party = recorder.party("village", "村窗口")
    start = time.time() + 0.1
    frames = interleave(as_hub_frames("video", "vp8", video, start, 2**32 - 90000),
                        as_hub_frames("audio", "opus", audio, start, 999))
    for frame in frames:
        await asyncio.sleep(max(0.0, frame.arrives - time.time()))
        party.write(frame.kind, frame.codec, frame.packet())  # type: ignore[arg-type]
        if frame.kind == "video":
            print(f"fed {frame.arrives - start:.3f}", flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    archive_dir, work_dir, key_hex, seconds, kbit_per_s = sys.argv[1:]
    asyncio.run(record_until_killed(Path(archive_dir), Path(work_dir), bytes.fromhex(key_hex),
                                    float(seconds), int(kbit_per_s)))
