"""`cunneng restore SRC DATA_DIR`: a finished backup back into a new, empty data directory.

It refuses a directory that holds anything (a restore never mixes two servers' data), a
backup without its manifest (unfinished) and keys it cannot find. Everything is copied
into a hidden sibling first and renamed into place once the database copy matched the
SHA-256 the backup recorded and passed SQLite's integrity check, so a restore cut short
leaves no half-filled data directory. What a restore loses is everything the server wrote
after the backup was made.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .layout import DATA, DATABASE, KEY_FILES, KEYS, MANIFEST
from .making import BackupRefused, sha256_of, write_atomically


@dataclass(frozen=True)
class RestoreReport:
    made_at: str
    source: str
    audit_events: int
    stored_files: int

    def lines(self, data_dir: Path) -> list[str]:
        return [
            f"ok: restored into {data_dir} the backup of {self.source} made at {self.made_at}:"
            f" {self.audit_events} audit events, {self.stored_files} stored files",
            f"  恢复后缺少备份之后的一切 (lost: whatever the server wrote after {self.made_at}: cases, calls, scans,"
            " decisions and their audit events)",
            f"  next: cunneng audit verify --data-dir {data_dir}",
        ]


def restore_backup(source: Path, data_dir: Path, keys_from: Path | None) -> RestoreReport:
    """Put the backup in source into data_dir (new or empty); BackupRefused when it cannot."""
    manifest = finished_manifest(source)
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupRefused(f"错误 error: {data_dir} 不是空的，恢复只写入新的空目录"
                            " (not empty: restore only into a new, empty directory)")
    keys = keys_from or (source / KEYS if (source / KEYS).is_dir() else Path(manifest["keys_dir"]))
    missing = [name for name in manifest["keys"] if not (keys / name).is_file()]
    if missing:
        raise BackupRefused(f"错误 error: 找不到密钥 {', '.join(missing)}"
                            f" (keys not found in {keys}: give --keys-from DIR)")
    staging = data_dir.with_name(f".{data_dir.name}.restoring")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source / DATA, staging)
    (staging / KEYS).mkdir(mode=0o700)
    for name in manifest["keys"]:
        write_atomically(staging / KEYS / name, (keys / name).read_bytes())
    check_database(staging / DATABASE, manifest["database"]["sha256"])
    if data_dir.exists():
        data_dir.rmdir()
    os.replace(staging, data_dir)
    data_dir.chmod(0o700)
    stored = sum(1 for _ in (data_dir / "archive" / "objects").glob("??/*"))
    return RestoreReport(manifest["made_at"], manifest["source"], manifest["database"]["audit_events"], stored)


def finished_manifest(source: Path) -> dict[str, Any]:
    """The manifest of a finished backup, or BackupRefused."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupRefused(f"错误 error: {source} 不是完整的备份 (no {MANIFEST}: not a backup, or one that did not"
                            " finish; run cunneng backup again)") from None
    unknown = set(manifest["keys"]) - set(KEY_FILES)
    if unknown:
        raise BackupRefused(f"错误 error: {MANIFEST} names unknown keys {sorted(unknown)}")
    return dict(manifest)


def check_database(path: Path, expected_sha256: str) -> None:
    """The copied database is the one the backup made, and SQLite finds it whole."""
    if sha256_of(path) != expected_sha256:
        raise BackupRefused(f"错误 error: 备份中的数据库已被改动或损坏 (the backup's database does not match its"
                            f" SHA-256 {expected_sha256})")
    connection = sqlite3.connect(path)
    try:
        check = connection.execute("pragma integrity_check").fetchone()[0]
    finally:
        connection.close()
    if check != "ok":
        raise BackupRefused(f"错误 error: 备份中的数据库已损坏 (the backup's database failed its check: {check})")
