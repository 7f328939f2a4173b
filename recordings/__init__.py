"""recordings: the call recorder, the encrypted archive, retention and replay.

A library: called by signaling; never imports signaling, the clients or the pages (the
auditor's replay page is in approver_console).
The names that need PyAV (recorder, finalize, stills) are imported on first use, so a
server process that only stores and serves files never loads it (idle memory, #9).
"""

from typing import TYPE_CHECKING

import lazy_loader

from recordings.archive import Archive, StoredObject
from recordings.exceptions import DamagedStoredFile, NoPictureThere
from recordings.journal import WorkDirClaim, leftover_journals, unowned_journals
from recordings.keys import key_from_text, load_or_create_key
from recordings.receipts import RecordedFile, discard_receipt, read_receipts
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

if TYPE_CHECKING:
    from recordings.finalize import recover_leftovers
    from recordings.recorder import CallRecorder, PartyRecorder
    from recordings.stills import still_at

# module -> the names it defines, imported when a name is first asked for (PEP 562)
__getattr__, _, _ = lazy_loader.attach(__name__, submod_attrs={
    "finalize": ["recover_leftovers"],
    "recorder": ["CallRecorder", "PartyRecorder"],
    "stills": ["still_at"],
})

__all__ = [
    "DOCUMENT",
    "RECORDING",
    "Archive",
    "CallRecorder",
    "DamagedStoredFile",
    "PartyRecorder",
    "RecordedFile",
    "RetentionPolicy",
    "Stored",
    "StoredObject",
    "WorkDirClaim",
    "discard_receipt",
    "due_for_deletion",
    "key_from_text",
    "leftover_journals",
    "load_or_create_key",
    "read_receipts",
    "recording_since",
    "recover_leftovers",
    "releasable_files",
    "serve_stored_file",
    "still_at",
    "unowned_journals",
    "NoPictureThere",
]
