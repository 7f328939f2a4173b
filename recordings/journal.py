"""Live journal: a recording's bytes while the call runs, encrypted as they leave the muxer.

Layout on disk (integers little-endian):

    header    magic "CNLIVE" 0 1 (8) | file id (16)
    record i  length of what follows u32 | nonce (12) | ciphertext | tag (16)

Record 0 holds the segment's description as JSON (call, party, label, streams, wall-clock
start); records 1… hold, in order, every write of the live WebM muxer (one per cluster).
Each record's associated data is file id | i (u64), so records cannot be reordered or
dropped from the middle; a crash can only cut the tail, and a reader stops at the first
record that is incomplete or fails authentication. A killed process loses nothing it has
written; against a power cut the journal is fsynced every FSYNC_INTERVAL seconds (on the
writer thread, never on the event loop). The file is flock'ed from its creation until it
is archived — the finished writer hands its locked descriptor to the reader that archives
it — so recovery never touches a journal a running recorder still owns, even one whose
segment ended while the call goes on.

The work directory itself is claimed (flock on OWNER_LOCK) by the one process that
registers what it holds — the server — so a second server, or recovery by hand, cannot
archive a call behind its back.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import struct
import time
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from recordings.exceptions import (
    JournalInUse,
    NotASealedFile,
    UnrecoverableRecording,
    WorkDirClaimed,
)
from recordings.keys import MasterKey

logger = logging.getLogger(__name__)

MAGIC = b"CNLIVE\x00\x01"
PURPOSE = b"live-journal-v1"
SUFFIX = ".live"
NONCE_SIZE = 12
_LENGTH = struct.Struct("<I")
_MAX_RECORD = 64 << 20
FSYNC_INTERVAL = 5.0
OWNER_LOCK = "owner.lock"


def leftover_journals(work_dir: Path) -> list[Path]:
    """The journals in a recorder's work_dir; at start-up, what a crash left to recover."""
    return sorted(work_dir.glob(f"*{SUFFIX}")) if work_dir.is_dir() else []


def unowned_journals(work_dir: Path) -> list[Path]:
    """The journals no running recorder holds: what a crashed process left, ready to archive."""
    found = []
    for path in leftover_journals(work_dir):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # archived meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            found.append(path)
        except BlockingIOError:
            pass
        finally:
            os.close(fd)
    return found


class WorkDirClaim:
    """The lock of the one process that registers a work directory's recordings (the server)."""

    def __init__(self, work_dir: Path) -> None:
        work_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._fd = os.open(work_dir / OWNER_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise WorkDirClaimed(f"{work_dir} is in use by a running cunneng server"
                                 " (or another recovery)") from None

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _aad(file_id: bytes, index: int) -> bytes:
    return file_id + struct.pack("<Q", index)


def _lock(fd: int, path: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise JournalInUse(f"{path.name}: still being written by a running recorder") from None


class JournalWriter:
    """Append-only, non-seekable output for the live muxer; every write is one sealed record."""

    def __init__(self, path: Path, master: MasterKey, description: dict[str, Any]) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        _lock(self._fd, path)
        self._file_id = secrets.token_bytes(16)
        self._aead = master.file_cipher(PURPOSE, self._file_id)
        self._index = 0
        self._finished = False
        self._synced_at = time.monotonic()
        self._write_all(MAGIC + self._file_id)
        self.write(json.dumps(description, ensure_ascii=False).encode())

    def write(self, data: bytes) -> int:
        """Seal one record and hand it to the kernel at once: a killed process keeps it."""
        if self._finished:
            raise ValueError(f"{self.path.name}: journal already finished")
        nonce = secrets.token_bytes(NONCE_SIZE)
        sealed = nonce + self._aead.encrypt(nonce, bytes(data), _aad(self._file_id, self._index))
        self._write_all(_LENGTH.pack(len(sealed)) + sealed)
        self._index += 1
        if time.monotonic() - self._synced_at >= FSYNC_INTERVAL:
            os.fsync(self._fd)
            self._synced_at = time.monotonic()
        return len(data)

    def finish(self) -> None:
        """No more writes (no fsync: a finished segment is archived at the call's end, or
        recovered after a crash); the lock stays until `reader()` or `release()`."""
        self._finished = True

    def reader(self, master: MasterKey) -> JournalReader:
        """The journal's plaintext, read under the lock this writer held all along."""
        fd, self._fd = self._fd, -1
        return JournalReader(self.path, master, fd)

    def release(self) -> None:
        """Let go of the journal without archiving it (recovery takes it from here)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _write_all(self, blob: bytes) -> None:
        view = memoryview(blob)
        while view:
            view = view[os.write(self._fd, view) :]


class JournalReader:
    """The plaintext of a journal, as a non-seekable file object `av.open` can demux.

    It holds the journal's lock until `release()` (deliberately not `close`, which `av`
    would call when the demuxer closes, before the archived copy is committed). `locked_fd`
    is a finished writer's descriptor, whose lock it takes over.
    """

    def __init__(self, path: Path, master: MasterKey, locked_fd: int | None = None) -> None:
        self.path = path
        if locked_fd is None:
            fd = os.open(path, os.O_RDONLY)
            _lock(fd, path)
        else:
            fd = locked_fd
            os.lseek(fd, 0, os.SEEK_SET)
        self._file = os.fdopen(fd, "rb")
        head = self._file.read(len(MAGIC) + 16)
        if head[: len(MAGIC)] != MAGIC or len(head) != len(MAGIC) + 16:
            self.release()
            raise NotASealedFile(f"{path.name}: not a live journal")
        self._file_id = head[len(MAGIC) :]
        self._aead = master.file_cipher(PURPOSE, self._file_id)
        self._index = 0
        self._buffer = b""
        self._ended = False
        self.complete = True
        description = self._next_record()
        if description is None:
            self.release()
            raise UnrecoverableRecording(f"{path.name}: no readable description record")
        self.description: dict[str, Any] = json.loads(description)

    def read(self, size: int = -1) -> bytes:
        """Up to `size` plaintext bytes; b"" at the end or at the first damaged record."""
        while size < 0 or len(self._buffer) < size:
            record = self._next_record()
            if record is None:
                break
            self._buffer += record
        cut = len(self._buffer) if size < 0 else size
        data, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return data

    def release(self) -> None:
        """Close the file and release the lock."""
        self._file.close()

    def _next_record(self) -> bytes | None:
        if self._ended:
            return None
        raw = self._file.read(_LENGTH.size)
        if not raw:
            self._ended = True
            return None
        length = _LENGTH.unpack(raw)[0] if len(raw) == _LENGTH.size else 0
        blob = self._file.read(length) if 0 < length <= _MAX_RECORD else b""
        try:
            if len(blob) != length or length <= NONCE_SIZE:
                raise InvalidTag
            plain = self._aead.decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:],
                                       _aad(self._file_id, self._index))
        except InvalidTag:
            self.complete = False
            logger.warning("%s: journal ends in a cut or damaged record %d", self.path.name,
                           self._index)
            self._ended = True
            return None
        self._index += 1
        return plain
