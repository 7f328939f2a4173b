"""A recorder killed with SIGKILL mid-call: start-up recovery archives its journal."""

from __future__ import annotations

import asyncio
import secrets
import signal
import sys
from pathlib import Path

import pytest
from recording_media import decode_stored

from recordings.archive import Archive
from recordings.finalize import recover_leftovers

CHILD = Path(__file__).with_name("recording_kill_child.py")
KILL_AT = 5.0


async def _record_and_kill(archive_dir: Path, work_dir: Path, key: bytes) -> float:
    """Run a recorder in a child process, SIGKILL it after KILL_AT s of media: media fed by then."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), str(archive_dir), str(work_dir), key.hex(), "8",
        stdout=asyncio.subprocess.PIPE)
    assert child.stdout is not None
    fed = 0.0
    try:
        while fed < KILL_AT:
            line = await asyncio.wait_for(child.stdout.readline(), timeout=30)
            assert line.startswith(b"fed "), line
            fed = float(line.split()[1])
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    assert child.returncode == -signal.SIGKILL
    return fed


async def test_a_killed_recording_is_recovered_up_to_near_the_kill(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    archive_dir, work_dir = tmp_path / "archive", tmp_path / "live"
    fed = await _record_and_kill(archive_dir, work_dir, key)
    archive = Archive.open(archive_dir, key)
    assert list(archive.digests()) == []
    assert [p.suffix for p in work_dir.iterdir()] == [".live"]

    [recovered] = recover_leftovers(archive, work_dir)

    assert recovered.recovered and recovered.call_id == "call-killed"
    decoded = decode_stored(archive, recovered.digest)
    assert decoded.codecs == ["vp8", "opus"]
    last_frame = decoded.video[-1][0]
    assert fed - last_frame < 2.0, f"lost {fed - last_frame:.2f} s of video"
    assert len(decoded.video) == pytest.approx(last_frame * 15 + 1, abs=1)
    assert recovered.duration == pytest.approx(last_frame, abs=0.5)
    assert list(work_dir.iterdir()) == []
    assert recover_leftovers(archive, work_dir) == []
