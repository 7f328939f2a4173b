"""Where a backup keeps what: the data directory's own layout under DEST/data, the keys apart.

    DEST/backup.json   written last: when, from where, what; a backup without it is unfinished
    DEST/data/         the data directory as it was, keys excepted: cunneng.db (a consistent
                       copy), archive/objects (only new objects are copied each time), and
                       every other file and folder the data directory holds — found by listing
                       it, so what a newer release keeps there (audit anchors, say) is backed
                       up without this code knowing it
    DEST/keys/         archive.key, audit.key, pki-master.key (or --keys-to DIR): store them apart
"""

from __future__ import annotations

from pathlib import Path

MANIFEST = "backup.json"
DATA = "data"
KEYS = "keys"
LOCK = ".backup.lock"
DATABASE = "cunneng.db"
# SQLite's own files beside the database: the online backup copies what they hold.
DATABASE_FILES = {DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}-journal"}
ARCHIVE_OBJECTS = Path("archive") / "objects"
ARCHIVE_UNFINISHED = Path("archive") / "tmp"  # writes in progress: never part of a backup
KEY_FILES = {
    "archive.key": "没有它，扫描件、签发的文件和录像都无法读取 (without it the archive cannot be read)",
    "pki-master.key": "没有它，证书机构的私钥无法解开 (without it the CA's private keys cannot be unwrapped)",
    "audit.key": "没有它，审计链无法核验 (without it the audit chain cannot be verified)",
}


def outside_the_plain_copy(relative: Path) -> bool:
    """Whether a path under the data directory is copied by its own rule, not as a plain file."""
    top = relative.parts[0]
    return (top == KEYS or (len(relative.parts) == 1 and top in DATABASE_FILES)
            or relative.is_relative_to(ARCHIVE_OBJECTS) or relative.is_relative_to(ARCHIVE_UNFINISHED))
