"""Sealed file: the chunked AES-GCM layout of every stored file (call recordings and scans).

Layout on disk (integers little-endian):

    header   magic "CNSEAL" 0 1 (8) | file id (16) | chunk size u32 | plaintext length u64
             | SHA-256 of the plaintext (32) | nonce (12) | tag (16)
    chunk i  nonce (12) | ciphertext | tag (16)

The header tag is AES-GCM over the empty string with the header fields as associated data,
so length and digest cannot be changed. Chunk i holds plaintext bytes [i·size, (i+1)·size);
the last chunk is always shorter than the chunk size (possibly empty), so a file cut at a
chunk boundary is still detected. Each chunk's associated data is file id | i (u64) | last
(u8), against chunks swapped between files, reordered or dropped. Every file has its own
AES-256-GCM key derived from the master key and the file id, with a random nonce per chunk.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag

from recordings.exceptions import NotASealedFile, TamperedStoredFile, TruncatedStoredFile
from recordings.keys import MasterKey

MAGIC = b"CNSEAL\x00\x01"
PURPOSE = b"sealed-file-v1"
CHUNK_SIZE = 1 << 20
NONCE_SIZE = 12
TAG_SIZE = 16
CHUNK_OVERHEAD = NONCE_SIZE + TAG_SIZE
_FIELDS = struct.Struct("<8s16sIQ32s")
HEADER_SIZE = _FIELDS.size + CHUNK_OVERHEAD


def _chunk_aad(file_id: bytes, index: int, last: bool) -> bytes:
    return file_id + struct.pack("<QB", index, last)


def _chunk_position(chunk_size: int, index: int) -> int:
    return HEADER_SIZE + index * (chunk_size + CHUNK_OVERHEAD)


def chunk_count(length: int, chunk_size: int) -> int:
    """Chunks holding `length` bytes: the last one is always partial, possibly empty."""
    return length // chunk_size + 1


class _Cursor:
    """The file position of a sealed writer or reader: seekable like a regular file."""

    path: Path
    _pos: int

    def _end(self) -> int:
        raise NotImplementedError

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the position (a muxer seeks back to patch sizes, a demuxer to the cues)."""
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._end()}[whence]
        if base + offset < 0:
            raise ValueError(f"{self.path.name}: seek to {base + offset} before the start")
        self._pos = base + offset
        return self._pos


class SealedWriter(_Cursor):
    """A seekable, write-only sealed file, so a muxer can go back to write cues and duration.

    Full chunks behind the write position are sealed to disk at once; only the chunk being
    written (and any a seek went back to) stay in memory.
    """

    def __init__(self, path: Path, master: MasterKey, chunk_size: int = CHUNK_SIZE) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        self._file_id = secrets.token_bytes(16)
        self._aead = master.file_cipher(PURPOSE, self._file_id)
        self._chunk_size = chunk_size
        self._length = 0
        self._pos = 0
        self._open_chunks: dict[int, bytearray] = {}
        self._sealed: set[int] = set()
        self._hasher = hashlib.sha256()
        self._hashed = 0  # bytes hashed while writes only appended; -1 once one went back

    def writable(self) -> bool:
        return True

    def _end(self) -> int:
        return self._length

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Write at the current position; chunks left behind are encrypted to disk."""
        view = memoryview(data).cast("B")
        self._track_digest(view)
        done = 0
        while done < len(view):
            index, offset = divmod(self._pos, self._chunk_size)
            chunk = self._open_chunk(index)
            if len(chunk) < offset:
                chunk.extend(bytes(offset - len(chunk)))
            piece = view[done : done + self._chunk_size - offset]
            chunk[offset : offset + len(piece)] = piece
            self._pos += len(piece)
            done += len(piece)
        self._length = max(self._length, self._pos)
        self._seal_chunks_behind()
        return done

    def seal(self) -> tuple[str, int]:
        """Encrypt what is left, write the authenticated header, fsync: (SHA-256 hex, length)."""
        last = self._length // self._chunk_size
        for index in range(last):
            if index in self._open_chunks or index not in self._sealed:
                self._seal_chunk(index, self._open_chunks.pop(index, bytearray()), last=False)
        self._seal_chunk(last, self._open_chunks.pop(last, bytearray()), last=True)
        digest = self._hasher.hexdigest() if self._hashed == self._length else self._rehash()
        fields = _FIELDS.pack(MAGIC, self._file_id, self._chunk_size, self._length,
                              bytes.fromhex(digest))
        nonce = secrets.token_bytes(NONCE_SIZE)
        os.pwrite(self._fd, fields + nonce + self._aead.encrypt(nonce, b"", fields), 0)
        os.fsync(self._fd)
        os.close(self._fd)
        return digest, self._length

    def abort(self) -> None:
        """Drop the unfinished file."""
        os.close(self._fd)
        self.path.unlink(missing_ok=True)

    def _track_digest(self, view: memoryview) -> None:
        if self._hashed == self._pos:
            self._hasher.update(view)
            self._hashed += len(view)
        else:
            self._hashed = -1

    def _open_chunk(self, index: int) -> bytearray:
        chunk = self._open_chunks.get(index)
        if chunk is None:
            chunk = bytearray(self._read_chunk(index) if index in self._sealed else b"")
            self._open_chunks[index] = chunk
        return chunk

    def _seal_chunks_behind(self) -> None:
        current = self._pos // self._chunk_size
        for index in [i for i, c in self._open_chunks.items()
                      if i < current and len(c) == self._chunk_size]:
            self._seal_chunk(index, self._open_chunks.pop(index), last=False)

    def _seal_chunk(self, index: int, plain: bytearray, last: bool) -> None:
        """Encrypt one chunk, zero-filling bytes a seek skipped over."""
        want = self._length - index * self._chunk_size if last else self._chunk_size
        plain.extend(bytes(want - len(plain)))
        nonce = secrets.token_bytes(NONCE_SIZE)
        sealed = self._aead.encrypt(nonce, bytes(plain), _chunk_aad(self._file_id, index, last))
        os.pwrite(self._fd, nonce + sealed, _chunk_position(self._chunk_size, index))
        self._sealed.add(index)

    def _read_chunk(self, index: int, last: bool = False) -> bytes:
        want = self._length - index * self._chunk_size if last else self._chunk_size
        blob = os.pread(self._fd, want + CHUNK_OVERHEAD, _chunk_position(self._chunk_size, index))
        aad = _chunk_aad(self._file_id, index, last)
        return self._aead.decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:], aad)

    def _rehash(self) -> str:
        """Digest after out-of-order writes: decrypt the sealed chunks once more, in order."""
        hasher = hashlib.sha256()
        last = self._length // self._chunk_size
        for index in range(last + 1):
            hasher.update(self._read_chunk(index, last=index == last))
        return hasher.hexdigest()


class SealedReader(_Cursor):
    """Random access to a sealed file's plaintext, decrypting only the chunks a read covers.

    Also a readable, seekable file object, so `av.open` can demux a stored recording.
    """

    def __init__(self, path: Path, master: MasterKey) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDONLY)
        try:
            self._read_header(master)
        except BaseException:
            os.close(self._fd)
            raise
        self._pos = 0
        self._cached: tuple[int, bytes] = (-1, b"")

    def _read_header(self, master: MasterKey) -> None:
        head = os.pread(self._fd, HEADER_SIZE, 0)
        if head[:8] != MAGIC:
            raise NotASealedFile(f"{self.path.name}: not a sealed file (magic {head[:8]!r})")
        if len(head) < HEADER_SIZE:
            raise TruncatedStoredFile(f"{self.path.name}: header cut short")
        fields, nonce, tag = head[: _FIELDS.size], head[_FIELDS.size : -TAG_SIZE], head[-TAG_SIZE:]
        _, self._file_id, self._chunk_size, self.size, digest = _FIELDS.unpack(fields)
        self._aead = master.file_cipher(PURPOSE, self._file_id)
        try:
            self._aead.decrypt(nonce, tag, fields)
        except InvalidTag:
            raise TamperedStoredFile(f"{self.path.name}: header failed authentication") from None
        self.digest = digest.hex()
        self._chunks = chunk_count(self.size, self._chunk_size)
        expected = HEADER_SIZE + self._chunks * CHUNK_OVERHEAD + self.size
        actual = os.fstat(self._fd).st_size
        if actual < expected:
            raise TruncatedStoredFile(f"{self.path.name}: {actual} bytes, header says {expected}")
        if actual > expected:
            raise TamperedStoredFile(f"{self.path.name}: {actual - expected} bytes appended")

    def chunk(self, index: int) -> bytes:
        """The plaintext of chunk `index`, authenticated against its position and file."""
        if self._cached[0] == index:
            return self._cached[1]
        last = index == self._chunks - 1
        want = self.size - index * self._chunk_size if last else self._chunk_size
        blob = os.pread(self._fd, want + CHUNK_OVERHEAD, _chunk_position(self._chunk_size, index))
        if len(blob) != want + CHUNK_OVERHEAD:
            raise TruncatedStoredFile(f"{self.path.name}: chunk {index} cut short")
        try:
            plain = self._aead.decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:],
                                       _chunk_aad(self._file_id, index, last))
        except InvalidTag:
            raise TamperedStoredFile(
                f"{self.path.name}: chunk {index} of {self._chunks} failed authentication"
            ) from None
        self._cached = (index, plain)
        return plain

    def iter_range(self, start: int, stop: int) -> Iterator[bytes]:
        """Plaintext bytes [start, stop), one piece per chunk covered."""
        stop = min(stop, self.size)
        while start < stop:
            index, offset = divmod(start, self._chunk_size)
            piece = self.chunk(index)[offset : offset + stop - start]
            start += len(piece)
            yield piece

    def check_range(self, start: int, stop: int) -> None:
        """Authenticate every chunk covering [start, stop) (TamperedStoredFile if one fails), keeping none."""
        for _ in self.iter_range(start, stop):
            pass

    def read_range(self, start: int, stop: int) -> bytes:
        """Plaintext bytes [start, stop) at once."""
        return b"".join(self.iter_range(start, stop))

    def readable(self) -> bool:
        return True

    def _end(self) -> int:
        return self.size

    def read(self, size: int = -1) -> bytes:
        stop = self.size if size < 0 else self._pos + size
        data = self.read_range(self._pos, stop)
        self._pos += len(data)
        return data

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> SealedReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
