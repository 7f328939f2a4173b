"""recordings: the call recorder, the encrypted archive, retention and replay.

Called by signaling; never imports signaling, village_client or approver_console.
"""

from recordings.archive import Archive, StoredObject
from recordings.finalize import RecordedFile, recover_leftovers
from recordings.keys import key_from_text, load_or_create_key
from recordings.recorder import CallRecorder, PartyRecorder
from recordings.replay import serve_stored_file

__all__ = [
    "Archive",
    "CallRecorder",
    "PartyRecorder",
    "RecordedFile",
    "StoredObject",
    "key_from_text",
    "load_or_create_key",
    "recover_leftovers",
    "serve_stored_file",
]
