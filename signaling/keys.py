"""Secret keys kept as files under the data directory, created on first start."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_key(path: Path, size: int = 32) -> bytes:
    """The key in path; a new random one, readable by the owner only, if there is none."""
    if path.exists():
        key = path.read_bytes()
        if len(key) != size:
            raise ValueError(f"key file {path} holds {len(key)} bytes, expected {size}")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(size)
    temp = path.with_suffix(".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return key
