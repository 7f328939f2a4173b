"""recordings: the call recorder, the encrypted archive, retention and replay.

Called by signaling; never imports signaling, village_client or approver_console.
"""

from pathlib import Path

from recordings.archive import Archive, StoredObject
from recordings.exceptions import NoPictureThere
from recordings.finalize import RecordedFile, recover_leftovers
from recordings.keys import key_from_text, load_or_create_key
from recordings.recorder import CallRecorder, PartyRecorder
from recordings.replay import serve_stored_file
from recordings.retention import (
    DOCUMENT,
    RECORDING,
    RetentionPolicy,
    Stored,
    due_for_deletion,
    recording_since,
    releasable_files,
)
from recordings.stills import still_at

# The auditor console (审计回放), served by signaling at /audit/ (entry point `cunneng.pages`).
WEB = {
    "prefix": "/audit/",
    "directory": str(Path(__file__).parent / "web"),
    "title": "审计回放",
    "title_en": "Audit console",
    "order": 30,
}

__all__ = [
    "WEB",
    "DOCUMENT",
    "RECORDING",
    "Archive",
    "CallRecorder",
    "PartyRecorder",
    "RecordedFile",
    "RetentionPolicy",
    "Stored",
    "StoredObject",
    "due_for_deletion",
    "key_from_text",
    "load_or_create_key",
    "recording_since",
    "recover_leftovers",
    "releasable_files",
    "serve_stored_file",
    "still_at",
    "NoPictureThere",
]
