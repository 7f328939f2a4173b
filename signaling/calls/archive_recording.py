"""通话录像: the media hub's recording tap bound to the recordings package.

The hub opens a recorder from a spec (an import path and JSON options) inside whichever
process runs the call, so the options name files, not objects. What the recorder stored
comes back to the server process as plain dicts when the call closes; each also left a
receipt in the work directory, which the server deletes once it has registered the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from recordings import Archive, load_or_create_key, read_receipts, unowned_journals

from ..config import Settings

if TYPE_CHECKING:
    from recordings import PartyRecorder


class ArchiveRecording:
    """A call's recording into the encrypted archive: one WebM per party."""

    def __init__(self, call_id: str, options: dict[str, Any]) -> None:
        from recordings import CallRecorder  # PyAV: loaded where calls run, not by the server (#9)

        archive = Archive.open(Path(options["archive"]), load_or_create_key(Path(options["key_file"])))
        self._recorder = CallRecorder(archive, call_id, Path(options["work_dir"]))

    def party(self, party_id: str, label: str) -> PartyRecorder:
        return self._recorder.party(party_id, label)

    async def close(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in await self._recorder.close()]


def open_call_recording(call_id: str, options: dict[str, Any]) -> ArchiveRecording:
    """The factory the hub's recording spec names."""
    return ArchiveRecording(call_id, options)


def recording_spec(settings: Settings) -> dict[str, Any]:
    """The spec the server hands the hub for every call: record into the data directory's archive."""
    return {
        "factory": f"{__name__}:open_call_recording",
        "options": {"archive": str(settings.archive_dir), "key_file": str(settings.keys_dir / "archive.key"),
                    "work_dir": str(settings.recording_work_dir)},
    }


def unregistered_recordings(archive: Archive, work_dir: Path) -> list[dict[str, Any]]:
    """What `work_dir` holds that no row may name yet: journals a crashed process left (archived
    now, up to the crash) and the receipts of archived files (blocking: run it in an executor)."""
    if unowned_journals(work_dir):
        from recordings import recover_leftovers  # PyAV only when there is something to remux (#9)

        recover_leftovers(archive, work_dir)
    return [f.as_dict() for f in read_receipts(work_dir, archive.master_key)]
