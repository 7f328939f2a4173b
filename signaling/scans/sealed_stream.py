"""One readable, seekable byte stream over sealed files read in order (an upload's chunks, or one stored file).

Pillow reads and seeks; PDFium also wants readinto. Only the chunks a read covers are decrypted.
"""

from __future__ import annotations

import bisect
import io
import os
from collections.abc import Iterator
from typing import BinaryIO

from recordings.sealed_file import CHUNK_SIZE, SealedReader

BUFFER_SIZE = CHUNK_SIZE


class SealedStream(io.RawIOBase):
    """The concatenated plaintext of sealed readers; closing it closes them."""

    def __init__(self, parts: list[SealedReader]) -> None:
        super().__init__()
        self._parts = parts
        self._starts: list[int] = []
        total = 0
        for part in parts:
            self._starts.append(total)
            total += part.size
        self.size = total
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError(f"seek to {base + offset} before the start")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        done = 0
        for piece in self._pieces(self._pos, min(self.size, self._pos + len(view))):
            view[done : done + len(piece)] = piece
            done += len(piece)
        self._pos += done
        return done

    def _pieces(self, start: int, stop: int) -> Iterator[bytes]:
        index = max(0, bisect.bisect_right(self._starts, start) - 1)
        while start < stop and index < len(self._parts):
            base = self._starts[index]
            for piece in self._parts[index].iter_range(start - base, stop - base):
                start += len(piece)
                yield piece
            index += 1

    def close(self) -> None:
        for part in self._parts:
            part.close()
        super().close()


def open_sealed(parts: list[SealedReader]) -> io.BufferedReader:
    """The plaintext as a buffered binary file (what Pillow and PDFium read best)."""
    return io.BufferedReader(SealedStream(parts), buffer_size=BUFFER_SIZE)


def pieces(source: BinaryIO) -> Iterator[bytes]:
    """The whole file from the start, a buffer at a time."""
    source.seek(0)
    return iter(lambda: source.read(BUFFER_SIZE), b"")
