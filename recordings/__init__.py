"""recordings: the call recorder, the encrypted archive, retention and replay.

Called by signaling; never imports signaling, village_client or approver_console.
The names that need PyAV (recorder, finalize, stills) are imported on first use, so a
server process that only stores and serves files never loads it (idle memory, #9).
"""

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recordings.archive import Archive, StoredObject
from recordings.exceptions import NoPictureThere
from recordings.journal import leftover_journals
from recordings.keys import key_from_text, load_or_create_key
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
    from recordings.finalize import RecordedFile, recover_leftovers
    from recordings.recorder import CallRecorder, PartyRecorder
    from recordings.stills import still_at

# name -> the module that defines it, imported when the name is first asked for (PEP 562)
_LAZY = {
    "RecordedFile": "recordings.finalize",
    "recover_leftovers": "recordings.finalize",
    "CallRecorder": "recordings.recorder",
    "PartyRecorder": "recordings.recorder",
    "still_at": "recordings.stills",
}

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
    "leftover_journals",
    "load_or_create_key",
    "recording_since",
    "recover_leftovers",
    "releasable_files",
    "serve_stored_file",
    "still_at",
    "NoPictureThere",
]


def __getattr__(name: str) -> Any:
    """A PyAV-bound name, imported now that it is needed."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
