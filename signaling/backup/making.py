"""`cunneng backup DEST`: a consistent copy of the data directory while the server runs.

The order makes the copy consistent (layout.py says where each part goes):
1. the manifest goes: the backup counts as unfinished until step 6 writes it again;
2. every plain file and folder the data directory holds (the CA, the audit head and
   checkpoints, uploads and recordings in progress, whatever a newer release adds) is
   mirrored — before the database, so no anchor in the copy vouches for an event the copied
   database lacks;
3. the database, through SQLite's online backup API, in one step: one read snapshot taken
   while the server goes on writing;
4. the archive's objects: each not yet in DEST is copied, each the server no longer holds
   (a retention deletion) is removed. Objects are named by the SHA-256 of their content, so
   one already there is the same; and the server stores an object before the row naming it,
   so every object the copied database names is copied here;
5. the keys, to DEST/keys or a place of their own (--keys-to);
6. the manifest, with the database copy's SHA-256.
Two backups into one DEST wait for each other (a lock file).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from .layout import (
    ARCHIVE_OBJECTS,
    DATA,
    DATABASE,
    KEY_FILES,
    KEYS,
    LOCK,
    MANIFEST,
    outside_the_plain_copy,
)


class BackupRefused(Exception):
    """A backup or restore that cannot be made; the message says why and what to do, in Chinese and English."""


@dataclass
class BackupReport:
    """What one backup copied: the manifest written last."""

    made_at: str
    source: str
    database: dict[str, object]
    plain_files: int = 0
    archive: dict[str, int] = field(default_factory=dict)
    keys_dir: str = ""
    keys: list[str] = field(default_factory=list)
    version: int = 1

    def lines(self) -> list[str]:
        archive = self.archive
        return [
            f"ok: backup of {self.source} at {self.made_at}",
            f"  database: {self.database['bytes']} bytes, {self.database['audit_events']} audit events"
            f" (sha256 {self.database['sha256']})",
            f"  archive: {archive['copied']} new stored files copied, {archive['already']} already there,"
            f" {archive['removed']} removed (deleted on the server)",
            f"  other files: {self.plain_files}",
            f"  keys: {', '.join(self.keys)} in {self.keys_dir}",
        ]


def make_backup(data_dir: Path, dest: Path, keys_to: Path | None, now: datetime) -> BackupReport:
    """Back data_dir up into dest (see the module's docstring); BackupRefused when it cannot."""
    refuse_unless_backup_possible(data_dir)
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    with locked(dest / LOCK):
        (dest / MANIFEST).unlink(missing_ok=True)
        target = dest / DATA
        plain = mirror_plain_files(data_dir, target)
        database = copy_database(data_dir / DATABASE, target / DATABASE)
        archive = sync_archive(data_dir / ARCHIVE_OBJECTS, target / ARCHIVE_OBJECTS)
        keys_dir = keys_to or dest / KEYS
        keys = copy_keys(data_dir / KEYS, keys_dir)
        report = BackupReport(now.isoformat(timespec="seconds"), str(data_dir.resolve()), database, plain, archive,
                              str(keys_dir.resolve()), keys)
        write_atomically(dest / MANIFEST, json.dumps(asdict(report), ensure_ascii=False, indent=1).encode())
    return report


def refuse_unless_backup_possible(data_dir: Path) -> None:
    if not (data_dir / DATABASE).is_file():
        raise BackupRefused(f"错误 error: {data_dir} 中没有数据库 (no server database in {data_dir})")
    owner = data_dir.stat().st_uid
    if os.geteuid() != owner:  # SQLite may create -wal/-shm beside the database: they must stay the server's
        raise BackupRefused(f"错误 error: 请用数据目录的所有者（服务器的用户）运行 (run this as the owner of"
                            f" {data_dir}, uid {owner}, e.g. sudo -u cunneng cunneng backup …)")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path for the block: one backup into one place at a time."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def mirror_plain_files(source: Path, target: Path) -> int:
    """Make target hold each plain file of source (see layout.py) as it is now, and nothing else."""
    kept: set[Path] = set()
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if outside_the_plain_copy(relative) or not path.is_file():
            continue
        try:
            copy_if_changed(path, target / relative)
        except FileNotFoundError:  # gone meanwhile (an upload finished): it is not part of the data any more
            continue
        kept.add(relative)
    for path in sorted(target.rglob("*"), reverse=True):
        relative = path.relative_to(target)
        if outside_the_plain_copy(relative) or relative in kept:
            continue
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        else:
            path.unlink()
    return len(kept)


def copy_if_changed(source: Path, target: Path) -> bool:
    """Copy source over target (atomically, timestamps kept) unless target has its size and time; True if copied."""
    found = source.stat()
    if target.exists():
        there = target.stat()
        if (there.st_size, there.st_mtime_ns) == (found.st_size, found.st_mtime_ns):
            return False
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, temp)
    shutil.copystat(source, temp)
    _fsync(temp)
    os.replace(temp, target)
    return True


def copy_database(source: Path, target: Path) -> dict[str, object]:
    """A consistent copy of the live database (SQLite's online backup, one step), checked."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.part")
    temp.unlink(missing_ok=True)
    live = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    copy = sqlite3.connect(temp)
    try:
        live.backup(copy)  # pages=-1: all at once, under one read snapshot
        check = copy.execute("pragma integrity_check").fetchone()[0]
        events, last = copy.execute("select count(*), max(seq) from audit_events").fetchone()
    finally:
        copy.close()
        live.close()
    if check != "ok":
        temp.unlink()
        raise BackupRefused(f"错误 error: 数据库副本未通过检查 (the database copy failed its integrity check: {check})")
    _fsync(temp)
    os.replace(temp, target)
    return {"sha256": sha256_of(target), "bytes": target.stat().st_size, "audit_events": events, "last_event": last}


def sync_archive(source: Path, target: Path) -> dict[str, int]:
    """Copy the objects target lacks, remove those source no longer has; the counts."""
    held = {path.relative_to(source): path for path in source.glob("??/*") if not path.name.startswith(".")}
    counts = {"copied": 0, "already": 0, "removed": 0}
    for relative, path in held.items():
        there = target / relative
        if there.exists() and there.stat().st_size == path.stat().st_size:
            counts["already"] += 1
        elif _copied(path, there):
            counts["copied"] += 1
    for there in target.glob("??/*"):
        if there.relative_to(target) not in held:
            there.unlink()
            counts["removed"] += 1
    return counts


def _copied(source: Path, target: Path) -> bool:
    try:
        copy_if_changed(source, target)
    except FileNotFoundError:  # deleted meanwhile by retention
        return False
    return True


def copy_keys(source: Path, target: Path) -> list[str]:
    """The key files into target, owner-only; their names."""
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    copied = []
    for name in KEY_FILES:
        if (source / name).is_file():
            write_atomically(target / name, (source / name).read_bytes())
            copied.append(name)
    return copied


def write_atomically(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def keys_warning(report: BackupReport) -> str:
    """The warning printed after every backup: the keys are the archive."""
    named = "\n".join(f"    {name}: {why}" for name, why in KEY_FILES.items() if name in report.keys)
    return (f"警告 WARNING: {report.keys_dir} 中是密钥。丢失密钥就丢失了整个档案；拿到备份和密钥的人能读到一切。"
            f"请把密钥另外保存（另一块硬盘、保险柜），不要和备份放在一起。\n"
            f"  The keys are in {report.keys_dir}. Losing them loses the archive; whoever holds the backup and the"
            f" keys reads everything. Keep a copy of the keys apart from the backup.\n{named}")
