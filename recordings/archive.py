"""Archive: the encrypted, content-addressed store for call recordings and scanned documents.

On disk, below the root (directories mode 0700, files 0600):

    objects/<first 2 hex>/<SHA-256 hex of the plaintext>   one sealed file per distinct content
    tmp/<random>.part                                      files being written

A file is written under tmp/ and renamed into objects/ once sealed and fsynced, so a crash
never leaves a half-written object; identical content is stored once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from recordings.exceptions import InvalidDigest, StoredFileNotFound, TamperedStoredFile
from recordings.keys import MasterKey, fsync_directory
from recordings.sealed_file import CHUNK_SIZE, SealedReader, SealedWriter

logger = logging.getLogger(__name__)

_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredObject:
    """A file in the archive: named by the SHA-256 of its plaintext."""

    digest: str
    size: int


class ArchiveWriter(SealedWriter):
    """A sealed file under tmp/ that becomes a stored object on `commit`."""

    def __init__(self, archive: Archive, path: Path) -> None:
        super().__init__(path, archive.master_key)
        self._archive = archive
        self._finished = False

    def commit(self) -> StoredObject:
        """Seal, then move into objects/ (or drop it if that content is already stored)."""
        digest, size = self.seal()
        self._finished = True
        return self._archive._install(self.path, StoredObject(digest, size))

    def abort(self) -> None:
        """Drop the unfinished file."""
        if not self._finished:
            self._finished = True
            super().abort()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.abort()


class Archive:
    """Encrypted-at-rest store: streaming writes, byte-range reads, delete."""

    def __init__(self, root: Path, master_key: MasterKey) -> None:
        self.root = root
        self.master_key = master_key
        self._objects = root / "objects"
        self._tmp = root / "tmp"

    @classmethod
    def open(cls, root: Path, key: bytes) -> Archive:
        """Open (creating if needed) the archive under `root` with its 32-byte key."""
        archive = cls(root, MasterKey(key))
        for directory in (root, archive._objects, archive._tmp):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        return archive

    def writer(self) -> ArchiveWriter:
        """A new seekable writer; call `commit()` when done (leaving its `with` block aborts)."""
        return ArchiveWriter(self, self._tmp / f"{secrets.token_hex(16)}.part")

    def put(self, pieces: Iterable[bytes]) -> StoredObject:
        """Store bytes as they come from an iterator, never holding the whole file in memory."""
        with self.writer() as writer:
            for piece in pieces:
                writer.write(piece)
            return writer.commit()

    def put_file(self, source: BinaryIO) -> StoredObject:
        """Store the rest of an open binary file."""
        return self.put(iter(lambda: source.read(CHUNK_SIZE), b""))

    def reader(self, digest: str) -> SealedReader:
        """Random access to a stored file's plaintext (close it when done)."""
        path = self._path(digest)
        try:
            reader = SealedReader(path, self.master_key)
        except FileNotFoundError:
            raise StoredFileNotFound(f"no stored file {digest}") from None
        if reader.digest != digest:
            reader.close()
            raise TamperedStoredFile(f"{digest}: stored under another file's name")
        return reader

    def read(self, digest: str, start: int = 0, stop: int | None = None) -> bytes:
        """Plaintext bytes [start, stop) of a stored file."""
        with self.reader(digest) as reader:
            return reader.read_range(start, reader.size if stop is None else stop)

    def verify(self, digest: str) -> StoredObject:
        """Decrypt every chunk and check the plaintext still has the SHA-256 it is named by."""
        hasher = hashlib.sha256()
        with self.reader(digest) as reader:
            for piece in reader.iter_range(0, reader.size):
                hasher.update(piece)
            if hasher.hexdigest() != digest:
                raise TamperedStoredFile(f"{digest}: plaintext has SHA-256 {hasher.hexdigest()}")
            return StoredObject(digest, reader.size)

    def __contains__(self, digest: object) -> bool:
        return isinstance(digest, str) and self._path(digest).exists()

    def delete(self, digest: str) -> bool:
        """Remove a stored file; False if it was not there."""
        try:
            self._path(digest).unlink()
        except FileNotFoundError:
            return False
        logger.info("%s: deleted from the archive", digest)
        return True

    def digests(self) -> Iterator[str]:
        """Every stored file's digest (for retention)."""
        for path in self._objects.glob("??/*"):
            if _DIGEST.fullmatch(path.name):
                yield path.name

    def discard_incomplete(self, older_than: float = 3600.0) -> int:
        """Remove writes left unfinished by a crash (untouched for `older_than` seconds)."""
        cutoff = time.time() - older_than
        stale = [p for p in self._tmp.glob("*.part") if p.stat().st_mtime < cutoff]
        for path in stale:
            path.unlink(missing_ok=True)
        if stale:
            logger.warning("archive: discarded %d unfinished writes", len(stale))
        return len(stale)

    def _path(self, digest: str) -> Path:
        if not _DIGEST.fullmatch(digest):
            raise InvalidDigest(f"not a SHA-256 hex digest: {digest[:80]!r}")
        return self._objects / digest[:2] / digest

    def _install(self, temp: Path, stored: StoredObject) -> StoredObject:
        target = self._path(stored.digest)
        if target.exists():
            temp.unlink()
            return stored
        target.parent.mkdir(mode=0o700, exist_ok=True)
        os.rename(temp, target)
        fsync_directory(target.parent)
        return stored
