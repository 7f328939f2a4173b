"""Receipts: an archived recording that the server has not registered yet.

Whoever finalizes a journal — the recorder when its call closes, a media worker whose
server died, start-up recovery, `cunneng recordings recover` — writes a receipt into the
work directory *before* it deletes the journal, and only the server deletes the receipt,
once a database row names the recording. So a recording on disk is always a journal, a
receipt or a row: never an orphan in the archive that no one can find or purge.

Layout (the recording's description is personal data, so it is sealed like the journal):

    magic "CNRCPT" 0 1 (8) | file id (16) | nonce (12) | AES-GCM(JSON of RecordedFile) + tag
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from recordings.keys import MasterKey, fsync_directory

logger = logging.getLogger(__name__)

MAGIC = b"CNRCPT\x00\x01"
PURPOSE = b"recording-receipt-v1"
SUFFIX = ".receipt"
_NONCE = 12


@dataclass(frozen=True)
class RecordedFile:
    """One party's archived recording (录像), with what replay needs to line parties up."""

    call_id: str
    party_id: str
    label: str
    segment: int
    digest: str
    size: int
    media_type: str
    codecs: tuple[str, ...]
    started_at: float
    duration: float
    recovered: bool
    receipt: str = ""  # the receipt's file name in the work directory, deleted once registered

    def as_dict(self) -> dict[str, Any]:
        """JSON-able (it crosses the worker pipe and is what a receipt holds)."""
        return {**asdict(self), "codecs": list(self.codecs)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordedFile:
        return cls(**{**data, "codecs": tuple(data["codecs"])})


def write_receipt(work_dir: Path, master: MasterKey, recorded: RecordedFile, name: str) -> RecordedFile:
    """Seal the recording's description into `name` + SUFFIX, durably, before its journal goes."""
    recorded = RecordedFile.from_dict({**recorded.as_dict(), "receipt": name + SUFFIX})
    file_id = secrets.token_bytes(16)
    nonce = secrets.token_bytes(_NONCE)
    plain = json.dumps(recorded.as_dict(), ensure_ascii=False).encode()
    blob = MAGIC + file_id + nonce + master.file_cipher(PURPOSE, file_id).encrypt(nonce, plain, MAGIC)
    path = work_dir / recorded.receipt
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, blob)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    fsync_directory(work_dir)
    return recorded


def read_receipts(work_dir: Path, master: MasterKey) -> list[RecordedFile]:
    """Every readable receipt in the work directory (an unreadable one is logged and left)."""
    found = []
    for path in sorted(work_dir.glob(f"*{SUFFIX}")) if work_dir.is_dir() else []:
        blob = path.read_bytes()
        try:
            if blob[: len(MAGIC)] != MAGIC:
                raise InvalidTag
            file_id, nonce = blob[8:24], blob[24:24 + _NONCE]
            plain = master.file_cipher(PURPOSE, file_id).decrypt(nonce, blob[24 + _NONCE :], MAGIC)
        except InvalidTag:
            logger.error("%s: not a readable recording receipt (another key, or damaged); left", path.name)
            continue
        found.append(RecordedFile.from_dict({**json.loads(plain), "receipt": path.name}))
    return found


def discard_receipt(work_dir: Path, name: str) -> None:
    """The server registered the recording: its receipt is no longer needed."""
    if name.endswith(SUFFIX) and "/" not in name:
        (work_dir / name).unlink(missing_ok=True)
