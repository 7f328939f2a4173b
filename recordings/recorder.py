"""Call recorder: writes the encoded frames the media hub forwards, one WebM file per party.

Nothing is decoded or re-encoded: the hub hands over each frame as aiortc's depacketizer
produced it and the recorder muxes it as it is.

Crash safety and encryption at rest — the design chosen:
the live muxer writes through an encrypting journal (journal.py) in which every write of
the muxer, one per WebM cluster (at most 200 ms, live_segment.py), becomes one AES-GCM
record handed straight to the kernel. So no plaintext media ever reaches the disk, not even
while the call runs or after a crash, and a killed process keeps every cluster it finished
(at most the last 200 ms and a frame are lost). The alternative, a plaintext working file
in a private directory, would leave the call in clear on disk for as long as the call
lasts, and after a crash until the next start. On close, or after a crash
(`recover_leftovers`), the journal is remuxed into the archive through a seekable encrypted
writer (finalize.py), which adds cues and the duration for replay; the journal is deleted
only after the archived copy is committed and a receipt for the server written (receipts.py).

Threading: `PartyRecorder.write` runs on the hub's event loop and only copies the frame and
queues it; muxing and disk writes happen on one writer thread per call.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import av

from recordings.archive import Archive
from recordings.codecs import codec_for
from recordings.exceptions import RecorderClosed
from recordings.finalize import finalize_journals
from recordings.party_writer import Arrival, PartyIdentity, PartyWriter
from recordings.receipts import RecordedFile

logger = logging.getLogger(__name__)

STREAM_WAIT = 2.0


class CallRecorder:
    """Records every party of one call (通话录像), each into its own WebM file."""

    def __init__(self, archive: Archive, call_id: str, work_dir: Path,
                 clock: Callable[[], float] = time.time, stream_wait: float = STREAM_WAIT) -> None:
        self.archive = archive
        self.call_id = call_id
        self._work_dir = work_dir
        self._clock = clock
        self._stream_wait = stream_wait
        work_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._parties: dict[str, PartyRecorder] = {}
        self._queue: queue.SimpleQueue[tuple[PartyWriter, Arrival] | None] = queue.SimpleQueue()
        self._failures = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"recorder {call_id}", daemon=True)
        self._thread.start()

    def party(self, party_id: str, label: str) -> PartyRecorder:
        """The recorder for one party's media; the same one again if that party rejoins."""
        if self._closed:
            raise RecorderClosed(f"{self.call_id}: recorder closed, cannot add party {party_id}")
        recorder = self._parties.get(party_id)
        if recorder is None:
            identity = PartyIdentity(self.call_id, party_id, label)
            writer = PartyWriter(identity, self.archive.master_key, self._work_dir,
                                 self._stream_wait)
            recorder = self._parties[party_id] = PartyRecorder(self, writer)
        return recorder

    @property
    def backlog(self) -> int:
        """Frames queued but not yet written: how far the writer thread lags behind the hub."""
        return self._queue.qsize()

    async def close(self) -> list[RecordedFile]:
        """End every party's file and archive them: finalized, encrypted, with start and length."""
        if self._closed:
            return []
        self._closed = True
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)
        return await asyncio.to_thread(self._finish)

    def _submit(self, writer: PartyWriter, arrival: Arrival) -> None:
        if self._closed:
            raise RecorderClosed(f"{self.call_id}: recorder closed, frame of "
                                 f"{writer.identity.party_id} not recorded")
        self._queue.put((writer, arrival))

    def _run(self) -> None:
        """The writer thread: mux frames in arrival order until close."""
        while (item := self._queue.get()) is not None:
            writer, arrival = item
            try:
                writer.feed(arrival)
            except Exception:
                self._failures += 1
                if self._failures == 1:
                    logger.exception("%s: recording of %s failed at a %s frame", self.call_id,
                                     writer.identity.party_id, arrival.codec.name)

    def _finish(self) -> list[RecordedFile]:
        if self._failures:
            logger.error("%s: %d frames could not be recorded", self.call_id, self._failures)
        journals = []
        for recorder in self._parties.values():
            try:
                journals += recorder.writer.close()
            except Exception:
                logger.exception("%s: could not end the file of %s; kept for recovery",
                                 self.call_id, recorder.writer.identity.party_id)
                journals += recorder.writer.journals
        return finalize_journals(self.archive, journals)


class PartyRecorder:
    """One party's media as the hub forwards it; `write` is cheap and never blocks."""

    def __init__(self, call: CallRecorder, writer: PartyWriter) -> None:
        self._call = call
        self.writer = writer

    def write(self, kind: Literal["audio", "video"], codec: str, packet: av.Packet) -> None:
        """Queue one encoded frame (pts = RTP timestamp); the packet itself is left untouched."""
        spec = codec_for(kind, codec)
        if packet.pts is None:
            logger.warning("%s: %s frame without timestamp dropped", self._call.call_id, codec)
            return
        rate = round(1 / packet.time_base) if packet.time_base else spec.rate
        arrival = Arrival(spec, bytes(packet), packet.pts, rate, self._call._clock())
        self._call._submit(self.writer, arrival)
