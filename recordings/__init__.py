"""recordings: the call recorder, the encrypted archive, retention and replay.

Called by signaling; never imports signaling, village_client or approver_console.
"""

from recordings.archive import Archive, StoredObject
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

__all__ = [
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
]
