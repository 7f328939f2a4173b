"""The encrypted archive: round trips, byte ranges, tampering, truncation, dedup, key file."""

from __future__ import annotations

import hashlib
import os
import random
import re
import secrets
import stat
from pathlib import Path

import pytest

from recordings.archive import Archive
from recordings.exceptions import (
    InsecureKeyFile,
    InvalidDigest,
    NotASealedFile,
    StoredFileNotFound,
    TamperedStoredFile,
    TruncatedStoredFile,
)
from recordings.keys import load_or_create_key
from recordings.sealed_file import CHUNK_OVERHEAD, CHUNK_SIZE, HEADER_SIZE

MIB = 1 << 20


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.open(tmp_path / "archive", secrets.token_bytes(32))


def _stored_path(archive: Archive, digest: str) -> Path:
    return archive.root / "objects" / digest[:2] / digest


SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * MIB + 12345]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_returns_the_plaintext_named_by_its_sha256(archive: Archive, size: int) -> None:
    data = os.urandom(size)
    stored = archive.put(data[i : i + 70000] for i in range(0, size, 70000))
    assert stored.digest == hashlib.sha256(data).hexdigest()
    assert stored.size == size
    assert archive.read(stored.digest) == data


def test_stored_bytes_do_not_show_the_plaintext(archive: Archive) -> None:
    data = "村民 张三 身份证 110101199001011234\n".encode() * 50000
    stored = archive.put([data])
    on_disk = _stored_path(archive, stored.digest).read_bytes()
    assert "张三".encode() not in on_disk
    assert stat.S_IMODE(_stored_path(archive, stored.digest).stat().st_mode) == 0o600


def test_range_reads_at_random_offsets_equal_the_plaintext_slice(archive: Archive) -> None:
    data = os.urandom(3 * MIB + 777)
    stored = archive.put([data])
    rng = random.Random(6)
    with archive.reader(stored.digest) as reader:
        for _ in range(200):
            start = rng.randrange(len(data))
            stop = start + rng.choice([1, 100, 65536, MIB, 2 * MIB + 5])
            assert reader.read_range(start, stop) == data[start:stop]
        assert reader.read_range(len(data) - 10, len(data) + 50) == data[-10:]


def test_reader_is_a_seekable_file_object(archive: Archive) -> None:
    data = os.urandom(2 * MIB + 3)
    stored = archive.put([data])
    with archive.reader(stored.digest) as reader:
        reader.seek(MIB - 2)
        assert reader.read(5) == data[MIB - 2 : MIB + 3]
        assert reader.tell() == MIB + 3
        reader.seek(-3, os.SEEK_END)
        assert reader.read() == data[-3:]


@pytest.mark.parametrize("where", ["header", "first chunk", "last chunk", "tag"])
def test_a_changed_byte_is_reported_as_tampering(archive: Archive, where: str) -> None:
    stored = archive.put([os.urandom(CHUNK_SIZE + 5000)])
    path = _stored_path(archive, stored.digest)
    blob = bytearray(path.read_bytes())
    offset = {"header": 30, "first chunk": HEADER_SIZE + 5000, "last chunk": len(blob) - 100,
              "tag": len(blob) - 1}[where]
    blob[offset] ^= 0x01
    path.write_bytes(bytes(blob))
    said = {"header": "header failed authentication", "first chunk": "chunk 0 of 2 failed authentication",
            "last chunk": "chunk 1 of 2 failed authentication", "tag": "chunk 1 of 2 failed authentication"}[where]
    with pytest.raises(TamperedStoredFile, match=f"^{re.escape(f'{path.name}: {said}')}$"):
        archive.read(stored.digest)


@pytest.mark.parametrize("cut", ["mid chunk", "chunk boundary", "last tag"])
def test_a_cut_file_is_reported_as_truncated(archive: Archive, cut: str) -> None:
    stored = archive.put([os.urandom(2 * CHUNK_SIZE + 100)])
    path = _stored_path(archive, stored.digest)
    boundary = HEADER_SIZE + 2 * (CHUNK_SIZE + CHUNK_OVERHEAD)
    length = {"mid chunk": HEADER_SIZE + CHUNK_SIZE // 2, "chunk boundary": boundary,
              "last tag": path.stat().st_size - 1}[cut]
    whole = path.stat().st_size
    os.truncate(path, length)
    with pytest.raises(TruncatedStoredFile, match=f"^{path.name}: {length} bytes, header says {whole}$"):
        archive.read(stored.digest)


def test_bytes_appended_to_a_stored_file_are_reported_as_tampering(archive: Archive) -> None:
    stored = archive.put([os.urandom(CHUNK_SIZE + 5000)])
    path = _stored_path(archive, stored.digest)
    with path.open("ab") as tail:
        tail.write(b"7 bytes")
    with pytest.raises(TamperedStoredFile, match=f"^{path.name}: 7 bytes appended$"):
        archive.read(stored.digest)


def test_a_file_cut_inside_its_header_is_reported_as_truncated(archive: Archive) -> None:
    stored = archive.put([b"a short scan"])
    path = _stored_path(archive, stored.digest)
    os.truncate(path, HEADER_SIZE - 1)
    with pytest.raises(TruncatedStoredFile, match=f"^{path.name}: header cut short$"):
        archive.read(stored.digest)


def test_a_file_that_is_not_sealed_is_named_by_its_first_bytes(archive: Archive) -> None:
    stored = archive.put([b"a short scan"])
    path = _stored_path(archive, stored.digest)
    path.write_bytes(b"%PDF-1.7 put here by hand")
    said = f"{path.name}: not a sealed file (magic {b'%PDF-1.7'!r})"
    with pytest.raises(NotASealedFile, match=f"^{re.escape(said)}$"):
        archive.read(stored.digest)


def test_swapped_chunks_are_reported_as_tampering(archive: Archive) -> None:
    stored = archive.put([os.urandom(3 * CHUNK_SIZE + 1)])
    path = _stored_path(archive, stored.digest)
    blob = bytearray(path.read_bytes())
    size = CHUNK_SIZE + CHUNK_OVERHEAD
    first = slice(HEADER_SIZE, HEADER_SIZE + size)
    second = slice(HEADER_SIZE + size, HEADER_SIZE + 2 * size)
    blob[first], blob[second] = blob[second], blob[first]
    path.write_bytes(bytes(blob))
    with archive.reader(stored.digest) as reader, pytest.raises(TamperedStoredFile):
        reader.read_range(0, 10)


def test_a_file_put_under_another_digest_is_refused(archive: Archive) -> None:
    one, other = archive.put([b"one"]), archive.put([b"other"])
    os.replace(_stored_path(archive, one.digest), _stored_path(archive, other.digest))
    with pytest.raises(TamperedStoredFile):
        archive.read(other.digest)


def test_another_key_cannot_read_the_archive(archive: Archive) -> None:
    stored = archive.put([b"scan of a household register"])
    stranger = Archive.open(archive.root, secrets.token_bytes(32))
    with pytest.raises(TamperedStoredFile):
        stranger.read(stored.digest)


def test_identical_content_is_stored_once(archive: Archive) -> None:
    data = os.urandom(MIB + 1)
    first, second = archive.put([data]), archive.put([data[:10], data[10:]])
    assert first == second
    assert list(archive.digests()) == [first.digest]
    assert list((archive.root / "tmp").iterdir()) == []


def test_writes_that_go_back_are_sealed_like_sequential_ones(archive: Archive) -> None:
    data = bytearray(os.urandom(2 * MIB + 99))
    with archive.writer() as writer:
        writer.write(data)
        for offset in (5, CHUNK_SIZE - 2, 2 * MIB + 90):
            patch = os.urandom(4)
            writer.seek(offset)
            writer.write(patch)
            data[offset : offset + 4] = patch
        writer.seek(0, os.SEEK_END)
        writer.write(b"tail")
        stored = writer.commit()
    data += b"tail"
    assert stored.digest == hashlib.sha256(data).hexdigest()
    assert archive.read(stored.digest) == bytes(data)


def test_a_seek_past_the_end_reads_back_as_zeros(archive: Archive) -> None:
    with archive.writer() as writer:
        writer.write(b"head")
        writer.seek(CHUNK_SIZE + 10)
        writer.write(b"end")
        stored = writer.commit()
    assert archive.read(stored.digest) == b"head" + bytes(CHUNK_SIZE + 6) + b"end"


def test_whole_chunks_a_seek_skipped_read_back_as_zeros(archive: Archive) -> None:
    with archive.writer() as writer:
        writer.seek(2 * CHUNK_SIZE + 10)  # chunks 0 and 1 are never written
        writer.write(b"end")
        stored = writer.commit()
    assert archive.read(stored.digest) == bytes(2 * CHUNK_SIZE + 10) + b"end"


def test_a_write_into_a_sealed_chunk_just_before_committing_is_kept(archive: Archive) -> None:
    data = bytearray(os.urandom(2 * CHUNK_SIZE + 99))
    with archive.writer() as writer:
        writer.write(data)  # chunks 0 and 1 are sealed to disk already
        writer.seek(5)
        writer.write(b"late")
        stored = writer.commit()
    data[5:9] = b"late"
    assert (stored.digest, archive.read(stored.digest)) == (hashlib.sha256(data).hexdigest(), bytes(data))


def test_an_unfinished_write_leaves_no_stored_file(archive: Archive) -> None:
    writer = archive.writer()
    writer.write(os.urandom(MIB + 5))
    assert list(archive.digests()) == []
    assert archive.discard_incomplete(older_than=0) == 1
    assert list((archive.root / "tmp").iterdir()) == []


def test_delete_removes_the_stored_file(archive: Archive) -> None:
    stored = archive.put([b"call recording"])
    assert stored.digest in archive
    assert archive.delete(stored.digest)
    assert stored.digest not in archive
    assert not archive.delete(stored.digest)
    with pytest.raises(StoredFileNotFound):
        archive.read(stored.digest)


def test_a_name_that_is_not_a_digest_is_refused(archive: Archive) -> None:
    with pytest.raises(InvalidDigest):
        archive.read("../../etc/passwd")


def test_key_file_is_created_with_mode_0600_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "archive.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.key"
    load_or_create_key(path)
    path.chmod(0o644)
    with pytest.raises(InsecureKeyFile):
        load_or_create_key(path)
