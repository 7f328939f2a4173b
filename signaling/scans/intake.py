"""收件: turning a fully received upload into a document on the case, all or nothing.

Completion checks the whole file's SHA-256, sniffs and decodes every page, stores the file
and its thumbnails and previews in the encrypted archive, then files the document, marks the
upload complete and logs it in one transaction, and only then tells the case's parties
(``scan_added``). A refused file leaves no document and no received bytes behind.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from concurrent.futures import Executor
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from protocol.words import CaseEvent
from recordings import Archive

from ..audit.acts import Act
from ..cases.events import Audience, CaseEvents
from ..exceptions import CunnengError, DigestMismatch, UploadIncomplete
from ..storage.database import Database
from .case_scans import StoredPage, StoredScan, add_scan_document, scan_json
from .checking import CheckProgress
from .inspection import InspectedScan, inspect_scan
from .sealed_stream import pieces
from .tiles import TileService
from .upload_store import UploadStore
from .uploads import (
    COMPLETE,
    RECEIVING,
    Upload,
    complete_upload,
    expire_uploads,
    live_upload_ids,
    load_upload,
    refuse_upload,
    upload_ended,
)

if TYPE_CHECKING:
    import sqlite_utils

logger = logging.getLogger(__name__)


class ScanIntake:
    """Completes uploads; one completion per upload at a time, whoever asks."""

    def __init__(self, database: Database, archive: Archive, store: UploadStore, workers: Executor,
                 events: CaseEvents, tiles: TileService, max_pages: int) -> None:
        self._database, self._archive, self._store = database, archive, store
        self._workers, self._events, self._tiles = workers, events, tiles
        self._max_pages = max_pages
        self._running: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._checks: dict[str, CheckProgress] = {}

    def checking(self, upload_id: str) -> dict[str, Any] | None:
        """How far the check of the upload has got, while it runs (None otherwise)."""
        progress = self._checks.get(upload_id)
        return progress.public() if progress else None

    async def complete(self, act: Act, upload_id: str) -> dict[str, Any]:
        """The stored document; a retry while completion runs waits for the same result."""
        upload = await self._database.read(load_upload, act.actor, upload_id)
        running = self._running.get(upload_id)
        if running is None:
            running = asyncio.ensure_future(self._complete(act, upload))
            self._running[upload_id] = running
            running.add_done_callback(lambda _: self._running.pop(upload_id, None))
        return await asyncio.shield(running)

    async def _complete(self, act: Act, upload: Upload) -> dict[str, Any]:
        if upload.state == COMPLETE and upload.document_id is not None:
            return await self._database.read(scan_json, upload.document_id)
        if upload.state != RECEIVING:
            raise upload_ended(upload, "该上传已经结束，请重新上传。")
        if upload.received < upload.size:
            raise UploadIncomplete(
                f"文件还没有传完（已收到 {upload.received} / {upload.size} 字节）。",
                f"Only {upload.received} of {upload.size} bytes have arrived.",
            )
        loop = asyncio.get_running_loop()
        progress = self._checks[upload.id] = CheckProgress(total=upload.size)
        try:
            scan, inspected = await loop.run_in_executor(self._workers, self._store_scan, upload, progress)
        except CunnengError as error:
            logger.info("case %s: upload %s refused: %s", upload.case_id, upload.id, error)
            await self._database.run(refuse_upload, act, upload, error)
            await loop.run_in_executor(self._workers, self._store.discard, upload.id)
            raise
        finally:
            self._checks.pop(upload.id, None)
        document, audience = await self._database.run(_file_document, act, upload, scan)
        await loop.run_in_executor(self._workers, self._store.discard, upload.id)
        if inspected.first_page is not None:
            self._tiles.remember_full_page(scan.digest, 0, inspected.first_page)
        logger.info("case %s: scan %s stored as document %s", upload.case_id, scan.digest[:12], document["id"])
        self._events.publish(upload.case_id, {"type": CaseEvent.SCAN_ADDED, "at": act.when, "document": document},
                             audience)
        return document

    def _store_scan(self, upload: Upload, progress: CheckProgress) -> tuple[StoredScan, InspectedScan]:
        """Verify, inspect and archive the received bytes (on a scan worker), moving progress on."""
        with self._store.open(upload.id, list(upload.chunks)) as source:
            digest = hashlib.sha256()
            for piece in progress.counted(pieces(source)):
                digest.update(piece)
            if digest.hexdigest() != upload.sha256:
                raise DigestMismatch(
                    "收到的文件与上传前计算的校验值(SHA-256)不一致，请重新上传。",
                    f"The file received has SHA-256 {digest.hexdigest()}, not {upload.sha256}.",
                )
            progress.begin("inspecting", 1)
            inspected = inspect_scan(source, self._max_pages)
            progress.begin("storing", upload.size)
            stored = self._archive.put(progress.counted(pieces(source)))
        pages = tuple(self._store_page_renditions(inspected))
        return StoredScan(stored.digest, stored.size, inspected.scan_format.content_type, pages), inspected

    def _store_page_renditions(self, inspected: InspectedScan) -> list[StoredPage]:
        return [
            StoredPage(page.width, page.height, self._archive.put([page.thumbnail]).digest,
                       self._archive.put([page.preview]).digest, *page.preview_size)
            for page in inspected.pages
        ]

    async def expire(self, act: Act, max_age: timedelta) -> list[str]:
        """Drop uploads untouched for max_age, and any received bytes no live upload owns."""
        expired = await self._database.run(expire_uploads, act.at - max_age)
        live = await self._database.read(live_upload_ids)
        loop = asyncio.get_running_loop()
        for upload_id in await loop.run_in_executor(self._workers, self._store.upload_ids):
            if upload_id not in live:
                await loop.run_in_executor(self._workers, self._store.discard, upload_id)
        if expired:
            logger.info("expired %d unfinished uploads", len(expired))
        return expired


def _file_document(
    db: sqlite_utils.Database, act: Act, upload: Upload, scan: StoredScan
) -> tuple[dict[str, Any], Audience]:
    """One transaction: the document, its pages, the upload marked complete, the audit event."""
    document, audience = add_scan_document(db, act, upload.case_id, upload.filename, upload.material, scan)
    complete_upload(db, upload.id, document["id"], act.at)
    return document, audience
