"""通话录像: the media hub's recording tap bound to the recordings package.

The hub opens a recorder from a spec (an import path and JSON options) inside whichever
process runs the call, so the options name files, not objects. What the recorder stored
comes back to the server process as plain dicts when the call closes.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recordings import Archive, leftover_journals, load_or_create_key

from ..config import Settings

if TYPE_CHECKING:
    from recordings import PartyRecorder, RecordedFile


class ArchiveRecording:
    """A call's recording into the encrypted archive: one WebM per party."""

    def __init__(self, call_id: str, options: dict[str, Any]) -> None:
        from recordings import CallRecorder  # PyAV: loaded where calls run, not by the server (#9)

        archive = Archive.open(Path(options["archive"]), load_or_create_key(Path(options["key_file"])))
        self._recorder = CallRecorder(archive, call_id, Path(options["work_dir"]))

    def party(self, party_id: str, label: str) -> PartyRecorder:
        return self._recorder.party(party_id, label)

    async def close(self) -> list[dict[str, Any]]:
        return [recorded_as_dict(f) for f in await self._recorder.close()]


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


def recover_leftover_recordings(archive: Archive, work_dir: Path) -> list[dict[str, Any]]:
    """Archive what a crash left in `work_dir` (blocking: run it in an executor)."""
    if not leftover_journals(work_dir):
        return []  # nothing to remux, so the server does not load PyAV (idle memory, #9)
    from recordings import recover_leftovers

    return [recorded_as_dict(f) for f in recover_leftovers(archive, work_dir)]


def recorded_as_dict(recorded: RecordedFile) -> dict[str, Any]:
    """A stored recording as JSON (it crosses the worker boundary)."""
    return {**asdict(recorded), "codecs": list(recorded.codecs)}
