"""A recorder killed with SIGKILL mid-call: start-up recovery archives its journal."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import sys
from pathlib import Path

import pytest

from recordings.archive import Archive
from recordings.finalize import finalize_journals, recover_leftovers
from recordings.journal import JournalWriter
from recordings.keys import MasterKey
from recordings.party_writer import PartyIdentity, PartyWriter
from recordings.receipts import read_receipts
from recordings.recorder import CallRecorder

from .recording_media import (
    FakeClock,
    as_hub_frames,
    decode_stored,
    encode_tone,
    encode_video,
    feed,
    feed_writer,
    interleave,
)

CHILD = Path(__file__).with_name("recording_kill_child.py")
KILL_AT = 5.9  # late in a 1 s cluster: what a 1 s cluster limit would lose
T0 = 1_750_000_000.0


async def _record_and_kill(archive_dir: Path, work_dir: Path, key: bytes, kbit_per_s: int) -> float:
    """Run a recorder in a child process, SIGKILL it after KILL_AT s of media: media fed by then."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), str(archive_dir), str(work_dir), key.hex(), "8", str(kbit_per_s),
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


@pytest.mark.parametrize("kbit_per_s", [1000, 60])
async def test_a_killed_recording_is_recovered_up_to_half_a_second_before_the_kill(
        tmp_path: Path, kbit_per_s: int) -> None:
    """A quiet, low-rate camera too: the cluster in the muxer's memory is what a kill loses (#18)."""
    key = secrets.token_bytes(32)
    archive_dir, work_dir = tmp_path / "archive", tmp_path / "live"
    fed = await _record_and_kill(archive_dir, work_dir, key, kbit_per_s)
    archive = Archive.open(archive_dir, key)
    assert list(archive.digests()) == []
    assert [p.suffix for p in work_dir.iterdir()] == [".live"]

    [recovered] = recover_leftovers(archive, work_dir)

    assert recovered.recovered and recovered.call_id == "call-killed"
    decoded = decode_stored(archive, recovered.digest)
    assert decoded.codecs == ["vp8", "opus"]
    last_frame = decoded.video[-1][0]
    assert fed - last_frame <= 0.5, f"lost {fed - last_frame:.2f} s of video"
    assert len(decoded.video) == pytest.approx(last_frame * 15 + 1, abs=1)
    assert recovered.duration == pytest.approx(last_frame, abs=0.5)
    assert [p.suffix for p in work_dir.iterdir()] == [".receipt"]  # until the server registers it
    assert read_receipts(work_dir, archive.master_key) == [recovered]
    assert recover_leftovers(archive, work_dir) == []


async def test_a_journal_archived_twice_is_stored_once(tmp_path: Path) -> None:
    """A crash between archiving and deleting the journal must not store the call twice."""
    archive = Archive.open(tmp_path / "archive", secrets.token_bytes(32))
    work_dir = tmp_path / "live"
    work_dir.mkdir()
    writer = PartyWriter(PartyIdentity("call-1", "village", "村窗口"), archive.master_key,
                         work_dir, stream_wait=2.0)
    feed_writer(writer, interleave(as_hub_frames("video", "vp8", encode_video("vp8", 2.0), 0.0, 1),
                                   as_hub_frames("audio", "opus", encode_tone(2.0), 0.0, 2)))
    [journal] = writer.close()
    journal.release()  # as a crash does
    shutil.copy(journal.path, work_dir / "left-by-a-crash.live")

    first, second = recover_leftovers(archive, work_dir)

    assert first.digest == second.digest
    assert list(archive.digests()) == [first.digest]


async def test_recovery_leaves_the_journal_of_a_running_call_alone(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "archive", secrets.token_bytes(32))
    clock = FakeClock(T0)
    recorder = CallRecorder(archive, "call-1", tmp_path / "live", clock=clock)
    frames = interleave(as_hub_frames("video", "vp8", encode_video("vp8", 2.0), T0, 1),
                        as_hub_frames("audio", "opus", encode_tone(2.0), T0, 2))
    feed(clock, recorder.party("village", "村窗口"), frames)
    while recorder.backlog:
        await asyncio.sleep(0.01)

    assert recover_leftovers(archive, tmp_path / "live") == []
    [recorded] = await recorder.close()
    assert recorded.duration == pytest.approx(2.0, abs=1.0)


async def test_recovery_leaves_a_finished_segment_of_a_running_call_alone(tmp_path: Path) -> None:
    """A camera switched on late ends the first segment mid-call: it stays the recorder's until archived."""
    archive = Archive.open(tmp_path / "archive", secrets.token_bytes(32))
    work_dir = tmp_path / "live"
    work_dir.mkdir()
    writer = PartyWriter(PartyIdentity("call-1", "village", "村窗口"), archive.master_key, work_dir,
                         stream_wait=1.0)
    feed_writer(writer, as_hub_frames("audio", "opus", encode_tone(3.0), 0.0, 2))
    feed_writer(writer, as_hub_frames("video", "vp8", encode_video("vp8", 2.0), 3.0, 1))
    assert len(writer.journals) == 2

    assert recover_leftovers(archive, work_dir) == []

    stored = finalize_journals(archive, writer.close())
    assert [(f.segment, f.codecs, f.recovered) for f in stored] == [(0, ("opus",), False), (1, ("vp8",), False)]


@pytest.mark.parametrize("content", ["garbage", "another key"])
async def test_a_journal_that_cannot_be_read_is_kept_aside(tmp_path: Path, content: str) -> None:
    work_dir = tmp_path / "live"
    work_dir.mkdir()
    if content == "garbage":
        (work_dir / "x.live").write_bytes(os.urandom(5000))
    else:
        JournalWriter(work_dir / "x.live", MasterKey(secrets.token_bytes(32)), {}).release()
    archive = Archive.open(tmp_path / "archive", secrets.token_bytes(32))

    assert recover_leftovers(archive, work_dir) == []
    assert [p.name for p in work_dir.iterdir()] == ["x.unrecoverable"]
