"""Backup and restore (#22): `cunneng backup` copies a running server's data consistently (the second
time only the new stored files), `cunneng restore` puts it into a fresh directory, and there the
audit chain holds, the certificate verifies, the recording replays and the scan downloads as it was."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from .call_support import recorded_call
from .decision_support import decide
from .scan_samples import small_scan
from .scan_support import archived, uploader
from .support import RunningServer, WallClock, open_demo_case, start_server


async def cunneng(*args: str | Path) -> tuple[int, str, str]:
    """Run the real command line; its exit code, output and errors."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "signaling.cli", *map(str, args),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def downloaded(server: RunningServer, username: str, path: str) -> bytes:
    status, body = await (await server.login(username)).get_bytes(path)
    assert status == 200, (path, body[:200])
    return body


async def test_a_backup_made_while_the_server_runs_restores_whole(tmp_path: Path) -> None:
    data, dest, restored = tmp_path / "data", tmp_path / "backup", tmp_path / "restored"
    server = await start_server(data, clock=WallClock())
    try:
        clerk = await server.login("clerk-yb1")
        case = await open_demo_case(clerk)
        scan = await asyncio.to_thread(small_scan, tmp_path / "户口簿.jpg")
        stored = (await uploader(server, clerk).upload(case["id"], scan)).document
        for party in (await recorded_call(server.base, case["id"], 3.0))[:2]:
            await party.close()
        recordings = (await (await server.login("auditor")).get(f"/api/cases/{case['id']}/recordings")).body
        assert recordings, "the call left no recording"
        recording = await downloaded(server, "auditor", f"/api/recordings/{recordings[0]['id']}/media")
        _, certificate, pdf = await decide(server, "approve", {})
        (tmp_path / "certificate.pdf").write_bytes(pdf)
        # what a newer release may keep in the data directory: found by listing, backed up too
        (data / "audit-checkpoints").mkdir()
        (data / "audit-checkpoints" / "audit-checkpoint-1.json").write_text('{"seq": 1}')

        code, out, err = await cunneng("backup", "--data-dir", data, dest)  # while the server runs
        assert code == 0, err
        assert "WARNING" in err and "loses the archive" in err
        assert sorted(p.name for p in (dest / "keys").iterdir()) == ["archive.key", "audit.key", "pki-master.key"]
        assert not (dest / "data" / "keys").exists()  # the keys are apart from the data
        first_objects = archived(dest / "data")
        assert first_objects == archived(data)
        first_copies = {name: _inode(dest / "data", name) for name in first_objects}

        another = await asyncio.to_thread(small_scan, tmp_path / "结婚证.jpg", seed=7)
        await uploader(server, clerk).upload(case["id"], another)
        new = archived(data) - first_objects
        code, out, err = await cunneng("backup", "--data-dir", data, dest)
        assert code == 0, err
        assert f"{len(new)} new stored files copied, {len(first_objects)} already there" in out
        assert {name: _inode(dest / "data", name) for name in first_objects} == first_copies  # not copied again
        manifest = json.loads((dest / "backup.json").read_text())
        assert manifest["database"]["audit_events"] > 0
    finally:
        await server.close()

    (tmp_path / "occupied").mkdir()
    (tmp_path / "occupied" / "cunneng.db").write_text("another server's")
    code, _, err = await cunneng("restore", dest, tmp_path / "occupied")
    assert code == 1 and "不是空的" in err
    code, out, err = await cunneng("restore", dest, restored)
    assert code == 0, err
    assert (restored / "audit-checkpoints" / "audit-checkpoint-1.json").read_text() == '{"seq": 1}'
    assert (restored / "keys" / "archive.key").stat().st_mode & 0o777 == 0o600

    code, out, err = await cunneng("audit", "verify", "--data-dir", restored)
    assert code == 0 and "chain intact" in out, out + err
    code, out, err = await cunneng("verify", tmp_path / "certificate.pdf", "--data-dir", restored)
    assert code == 0, out + err

    again = await start_server(restored, clock=WallClock())
    try:
        assert await downloaded(again, "clerk-yb1", f"/api/documents/{stored['id']}/file") == scan.read_bytes()
        assert await downloaded(again, "auditor", f"/api/recordings/{recordings[0]['id']}/media") == recording
        assert await downloaded(again, "clerk-yb1", f"/api/documents/{certificate['id']}/file") == pdf
    finally:
        await again.close()


def _inode(data_dir: Path, digest: str) -> tuple[int, int]:
    found = (data_dir / "archive" / "objects" / digest[:2] / digest).stat()
    return found.st_ino, found.st_mtime_ns


async def test_an_unfinished_backup_or_missing_keys_are_refused(tmp_path: Path) -> None:
    data, dest = tmp_path / "data", tmp_path / "backup"
    server = await start_server(data)
    await server.close()
    code, _, err = await cunneng("backup", "--data-dir", data, dest, "--keys-to", tmp_path / "usb")
    assert code == 0, err
    assert not (dest / "keys").exists() and (tmp_path / "usb" / "archive.key").exists()
    code, _, err = await cunneng("restore", dest, tmp_path / "restored", "--keys-from", tmp_path / "nowhere")
    assert code == 1 and "找不到密钥" in err and not (tmp_path / "restored").exists()
    (dest / "backup.json").unlink()  # as a backup cut short leaves it
    code, _, err = await cunneng("restore", dest, tmp_path / "restored")
    assert code == 1 and "不是完整的备份" in err
    code, _, err = await cunneng("backup", "--data-dir", tmp_path / "none", dest)
    assert code == 1 and "没有数据库" in err
