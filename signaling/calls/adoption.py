"""Adopting recordings: every recording on disk gets its row, whichever process archived it.

A call's recorder hands the server what it archived when the call closes, and the server
registers it. What no one hands over stays in the work directory: the journals of a
process that was killed (archived here, up to the kill) and the receipts of files that a
media worker archived on its own (its server was killed, so it closed its calls alone).
They are adopted at start-up, at once when a media worker is lost, and every `interval`
seconds (an orphaned worker may finish its calls after the new server started). The
adoption claims the work directory for as long as it runs, so a second server on the same
data directory, or `cunneng recordings recover` by hand, is refused meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from recordings import Archive, WorkDirClaim, discard_receipt

from ..access.roles import SYSTEM
from ..audit.acts import Act
from ..audit.chain import AuditLog
from ..config import Clock
from ..storage.database import Database
from .archive_recording import unregistered_recordings
from .stored_recordings import register_recordings

logger = logging.getLogger(__name__)


class RecordingAdoption:
    """Registers what the recordings' work directory holds and no row names yet."""

    def __init__(self, database: Database, audit: AuditLog, archive: Archive, work_dir: Path,
                 clock: Clock, interval: float) -> None:
        self._database, self._audit, self._archive = database, audit, archive
        self._work_dir, self._clock, self._interval = work_dir, clock, interval
        self._claim = WorkDirClaim(work_dir)
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Adopt what the last run left, then keep adopting in the background."""
        await self.adopt()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """At shutdown, once the calls are closed: a last adoption, then release the work directory."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        try:
            await self.adopt()
        finally:
            self._claim.release()

    async def register(self, files: list[dict[str, Any]]) -> None:
        """Give these archived files their rows, then drop their receipts."""
        if not files:
            return
        act = Act(SYSTEM, self._clock(), self._audit)
        settled = await self._database.run(register_recordings, act, files)
        for name in settled:
            discard_receipt(self._work_dir, name)

    async def adopt(self) -> int:
        """Archive what crashed processes left, register every receipt: how many were found."""
        async with self._lock:
            files = await asyncio.get_running_loop().run_in_executor(
                None, unregistered_recordings, self._archive, self._work_dir)
            await self.register(files)
        if files:
            logger.warning("adopted %d recordings left by a crash", len(files))
        return len(files)

    def wake(self) -> None:
        """Adopt now (a media worker died: its journals are free)."""
        self._wake.set()

    async def _run(self) -> None:
        """Adopt whenever woken, and every interval."""
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.adopt()
            except Exception:
                logger.exception("adopting recordings failed; trying again in %.0f s", self._interval)
