"""`cunneng recordings …` commands: recover after a crash, verify a stored file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from recordings.archive import Archive
from recordings.keys import load_or_create_key
from recordings.party_writer import PartyIdentity, PartyWriter
from signaling.cli import main
from signaling.demo import DEMO_PASSWORD
from village_client.consult import Party

from .recording_media import as_hub_frames, encode_tone, feed_writer
from .support import open_demo_case, start_server


def _run(argv: list[str]) -> int:
    return main(argv)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.open(tmp_path / "archive", load_or_create_key(tmp_path / "archive.key"))


def _options(tmp_path: Path) -> list[str]:
    return ["--archive", str(tmp_path / "archive"), "--key-file", str(tmp_path / "archive.key")]


@pytest.mark.parametrize("argv", [["recordings"], ["recordings", "recover"],
                                  ["recordings", "verify"]])
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _run([*argv, "--help"])
    assert exit_info.value.code == 0
    assert "usage: cunneng recordings" in capsys.readouterr().out


def test_recover_archives_a_left_journal_and_prints_it(
        archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work_dir = tmp_path / "live"
    work_dir.mkdir()
    writer = PartyWriter(PartyIdentity("call-9", "township", "乡镇窗口"), archive.master_key,
                         work_dir, stream_wait=1.0)
    feed_writer(writer, as_hub_frames("audio", "opus", encode_tone(2.0), 0.0, 2))
    for journal in writer.close():
        journal.release()  # as a crash does

    assert _run(["recordings", "recover", *_options(tmp_path), "--work-dir", str(work_dir)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["call_id"], printed["label"], printed["recovered"]) == ("call-9", "乡镇窗口",
                                                                          True)
    assert printed["digest"] in archive


def test_verify_tells_an_intact_file_from_a_changed_one(
        archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stored = archive.put([b"x" * 5000])
    assert _run(["recordings", "verify", *_options(tmp_path), stored.digest]) == 0
    path = tmp_path / "archive" / "objects" / stored.digest[:2] / stored.digest
    blob = bytearray(path.read_bytes())
    blob[200] ^= 1
    path.write_bytes(bytes(blob))
    assert _run(["recordings", "verify", *_options(tmp_path), stored.digest]) == 1
    assert "verification failed" in capsys.readouterr().err


async def test_recover_by_hand_is_refused_while_the_server_runs_and_registered_when_it_starts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """#18: recovering by hand archived recordings that no row ever named; now the server registers them."""
    data = tmp_path / "data"
    server = await start_server(data)
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    village = await Party.sign_in(server.base, "clerk-yb1", DEMO_PASSWORD)
    call_id = await village.place_call(case["id"])
    await village.close()
    work_dir = data / "recording-work"
    work_dir.mkdir(exist_ok=True)
    archive = Archive.open(data / "archive", load_or_create_key(data / "keys" / "archive.key"))
    writer = PartyWriter(PartyIdentity(call_id, "7", "泉坝村窗口 赵兰"), archive.master_key, work_dir, 1.0)
    feed_writer(writer, as_hub_frames("audio", "opus", encode_tone(2.0), 0.0, 2))
    [journal] = writer.close()
    journal.release()  # as a crashed media worker leaves it
    by_hand = ["recordings", "recover", "--archive", str(data / "archive"),
               "--key-file", str(data / "keys" / "archive.key"), "--work-dir", str(work_dir)]
    try:
        assert await asyncio.to_thread(_run, by_hand) == 1  # off the loop the server runs on
        assert "refused" in capsys.readouterr().err
        assert journal.path.exists()
    finally:
        await server.close()

    assert await asyncio.to_thread(_run, by_hand) == 0
    assert not journal.path.exists() and len(list(archive.digests())) == 1
    again = await start_server(data)
    try:
        auditor = await again.login("auditor")
        [recording] = (await auditor.get(f"/api/cases/{case['id']}/recordings")).body
        assert (recording["call_id"], recording["label"], recording["recovered"]) == (call_id, "泉坝村窗口 赵兰", True)
        assert [p.suffix for p in work_dir.iterdir()] == [".lock"]  # the receipt went with the registration
    finally:
        await again.close()
