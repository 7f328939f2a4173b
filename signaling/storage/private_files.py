"""Data at rest: the data directory is the server user's alone (0700), every file in it 0600.

The database holds villagers' ID numbers, phones and chat; the keys unlock the archive.
A command that writes into the data directory calls `keep_files_private()` first (umask
077), so whatever any library writes there — the database and its -wal/-shm, the audit
head, PKI certificates, archived and uploaded files — is private; the directory and the
database are also made private explicitly, so an existing 0755 directory is tightened.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077


def keep_files_private() -> None:
    """New files 0600 and directories 0700, for the rest of the process."""
    os.umask(PRIVATE_UMASK)


def private_directory(path: Path) -> None:
    """Create the directory 0700, or tighten it if others may read it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(path, 0o700)


def private_file(path: Path) -> None:
    """Create the file empty with mode 0600 if missing (SQLite gives its -wal and -shm the same mode)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    _tighten(path, 0o600)


def _tighten(path: Path, mode: int) -> None:
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o077:
        try:
            path.chmod(mode)
            logger.warning("%s was readable by others (mode %o): now %o", path, current, mode)
        except PermissionError:
            logger.warning("%s is readable by others (mode %o) and cannot be changed by this user", path, current)
