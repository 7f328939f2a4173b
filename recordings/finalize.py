"""Finalize: remux a live journal into a seekable WebM (cues, duration) inside the archive.

The live file has neither cues nor a duration (it was written without seeking back), and
Chromium reads such a file linearly. A `-c copy` remux into a seekable sealed writer adds
both; nothing is decoded or re-encoded, and no plaintext copy touches the disk. The remux is
bit-exact (no random UIDs), so finalizing the same journal twice stores one object. The
journal is deleted only after a receipt (receipts.py) says what was archived, so the
server registers the recording whichever process finalized it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import av
import av.container

from recordings.archive import Archive, ArchiveWriter
from recordings.exceptions import (
    JournalInUse,
    NotASealedFile,
    RecordingsError,
    UnrecoverableRecording,
)
from recordings.journal import JournalReader, JournalWriter, unowned_journals
from recordings.receipts import RecordedFile, write_receipt

logger = logging.getLogger(__name__)

UNRECOVERABLE_SUFFIX = ".unrecoverable"


def finalize_journal(archive: Archive, source: Path | JournalWriter, recovered: bool = False) -> RecordedFile:
    """Store a journal's recording in the archive, write its receipt, then delete the journal.

    `source` is a finished writer (its lock passes on) or the path of a journal left behind.
    """
    if isinstance(source, JournalWriter):
        path, journal = source.path, source.reader(archive.master_key)
    else:
        path, journal = source, JournalReader(source, archive.master_key)
    try:
        with archive.writer() as writer:
            duration = _remux(journal, writer, journal.description["format"])
            stored = writer.commit()
        info = journal.description
        recorded = write_receipt(path.parent, archive.master_key, RecordedFile(
            call_id=info["call_id"], party_id=info["party_id"], label=info["label"],
            segment=info["segment"], digest=stored.digest, size=stored.size,
            media_type=info["media_type"], codecs=tuple(info["codecs"]),
            started_at=info["started_at"], duration=duration, recovered=recovered,
        ), path.stem)
        path.unlink(missing_ok=True)  # still under the journal's lock: no one archives it twice
    finally:
        journal.release()
    logger.info("%s: archived %s (%s) segment %d: %.1f s, %d bytes%s", info["call_id"],
                info["party_id"], info["label"], info["segment"], duration, stored.size,
                " (recovered)" if recovered else "")
    return recorded


def finalize_journals(archive: Archive, sources: Sequence[Path | JournalWriter], recovered: bool = False
                      ) -> list[RecordedFile]:
    """Finalize each journal; one that fails is logged and kept aside, never deleted."""
    recorded = []
    for source in sources:
        path = source.path if isinstance(source, JournalWriter) else source
        try:
            recorded.append(finalize_journal(archive, source, recovered))
        except JournalInUse as exc:
            logger.info("%s", exc)
        except (UnrecoverableRecording, NotASealedFile) as exc:
            logger.error("%s: kept as %s", exc, UNRECOVERABLE_SUFFIX)
            path.rename(path.with_suffix(UNRECOVERABLE_SUFFIX))
        except (RecordingsError, av.FFmpegError, OSError):
            logger.exception("%s: could not be archived; left for recovery", path.name)
    return recorded


def recover_leftovers(archive: Archive, work_dir: Path) -> list[RecordedFile]:
    """Archive the recordings a crashed process left in `work_dir` (up to the crash)."""
    return finalize_journals(archive, unowned_journals(work_dir), recovered=True)


def _remux(journal: JournalReader, writer: ArchiveWriter, fmt: str) -> float:
    """Copy every packet into a seekable file; the media end in seconds."""
    try:
        source = av.open(journal, "r", format=fmt)
    except av.FFmpegError as exc:
        raise UnrecoverableRecording(f"{journal.path.name}: no WebM header ({exc})") from None
    end, count = 0.0, 0
    with source, av.open(writer, "w", format=fmt, options={"fflags": "+bitexact"}) as target:
        streams = {s.index: target.add_stream_from_template(s) for s in source.streams}
        for packet in _intact_packets(source, journal.path):
            assert packet.pts is not None and packet.time_base is not None
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
            packet.stream = streams[packet.stream.index]
            target.mux(packet)
            count += 1
        if not count:
            raise UnrecoverableRecording(f"{journal.path.name}: no media frames")
    return end


def _intact_packets(source: av.container.InputContainer, path: Path) -> Iterator[av.Packet]:
    """Demuxed packets up to the end, or up to where a killed recorder cut the file."""
    try:
        for packet in source.demux():
            if packet.dts is not None:
                yield packet
    except av.FFmpegError as exc:
        logger.warning("%s: recording ends in a cut cluster (%s)", path.name, exc)
