"""`cunneng recordings …` commands: recover after a crash, verify a stored file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recordings.archive import Archive
from recordings.keys import load_or_create_key
from recordings.party_writer import PartyIdentity, PartyWriter
from signaling.cli import main

from .recording_media import as_hub_frames, encode_tone, feed_writer


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
    writer.close()

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
