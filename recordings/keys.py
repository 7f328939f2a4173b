"""The archive master key: from configuration or a 0600 key file, and per-file AES-GCM keys."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from recordings.exceptions import InsecureKeyFile, InvalidArchiveKey

KEY_SIZE = 32


class MasterKey:
    """The 32-byte archive key; every sealed file gets its own AES-256-GCM key derived from it."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise InvalidArchiveKey(f"archive key must be {KEY_SIZE} bytes, got {len(key)}")
        self._key = key

    def file_cipher(self, purpose: bytes, file_id: bytes) -> AESGCM:
        """AES-GCM for one file: a fresh key per file keeps random nonces far from collisions."""
        info = b"cunneng/" + purpose + b"/" + file_id
        derived = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=info)
        return AESGCM(derived.derive(self._key))


def key_from_text(text: str) -> bytes:
    """The key as configured: 64 hex digits (surrounding white space ignored)."""
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise InvalidArchiveKey("archive key must be 64 hex digits") from exc
    if len(key) != KEY_SIZE:
        raise InvalidArchiveKey(f"archive key must be 64 hex digits, got {len(text.strip())}")
    return key


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, or create it (mode 0600) on first start; losing it loses the archive."""
    if not path.exists():
        _create_key_file(path)
    return read_key_file(path)


def read_key_file(path: Path) -> bytes:
    """Read an existing key file, refusing one that other users can read."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise InsecureKeyFile(f"key file {path} has mode {mode:o}; run: chmod 600 {path}")
    return key_from_text(path.read_text(encoding="ascii"))


def _create_key_file(path: Path) -> None:
    """Write a new random key beside the target, then link it in: a racing starter keeps its key."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (secrets.token_bytes(KEY_SIZE).hex() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make a rename or link in this directory survive a power loss."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
